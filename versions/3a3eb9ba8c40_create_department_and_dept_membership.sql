-- revision: 3a3eb9ba8c40
-- down_revision: 79c4dcd72ebb
-- message: create department and dept_membership
-- create_date: 2026-03-02T16:05:44Z
-- transactional: true

-- +upgrade
CREATE TABLE department (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    is_shiftless BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT uq_department_name UNIQUE (name)
);

-- One row per attendee per department; the pair is the key.
CREATE TABLE dept_membership (
    attendee_id INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    is_dept_head BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (attendee_id, department_id),
    CONSTRAINT fk_dept_membership_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE CASCADE,
    CONSTRAINT fk_dept_membership_department_id FOREIGN KEY (department_id)
        REFERENCES department (id) ON DELETE CASCADE
);

CREATE INDEX ix_dept_membership_department_id ON dept_membership (department_id);

-- +downgrade
DROP INDEX ix_dept_membership_department_id;
DROP TABLE dept_membership;
DROP TABLE department;
