-- revision: 6da727332f2d
-- down_revision:
-- branch_labels: uber
-- message: create attendee and attendee_group
-- create_date: 2026-01-10T18:02:41Z
-- transactional: true

-- +upgrade
CREATE TABLE attendee_group (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    table_count NUMERIC(4, 1) NOT NULL DEFAULT 0,
    cost INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id)
);

CREATE TABLE attendee (
    id INTEGER NOT NULL,
    first_name VARCHAR(255) NOT NULL,
    last_name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NOT NULL,
    badge_num INTEGER,
    badge_type VARCHAR(32) NOT NULL DEFAULT 'attendee',
    paid VARCHAR(32) NOT NULL DEFAULT 'not_paid',
    group_id INTEGER,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT uq_attendee_badge_num UNIQUE (badge_num),
    CONSTRAINT fk_attendee_group_id FOREIGN KEY (group_id) REFERENCES attendee_group (id) ON DELETE SET NULL,
    CONSTRAINT ck_attendee_badge_num_positive CHECK (badge_num IS NULL OR badge_num > 0)
);

CREATE INDEX ix_attendee_last_name_first_name ON attendee (last_name, first_name);

-- +downgrade
DROP INDEX ix_attendee_last_name_first_name;
DROP TABLE attendee;
DROP TABLE attendee_group;
