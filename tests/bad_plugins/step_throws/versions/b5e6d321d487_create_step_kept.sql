-- revision: b5e6d321d487
-- down_revision:
-- branch_labels: step_throws
-- message: create step_kept
-- create_date: 2026-06-01T10:00:00Z
-- transactional: true

-- +upgrade
CREATE TABLE step_kept (
    id INTEGER NOT NULL,
    note TEXT,
    PRIMARY KEY (id)
);

-- +downgrade
DROP TABLE step_kept;
