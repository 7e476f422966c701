-- revision: 0a1b2c3d4e5f
-- down_revision:
-- branch_labels: hello
-- message: create greeting
-- create_date: 2026-11-22T12:00:00Z
-- transactional: true

-- +upgrade
CREATE TABLE greeting (
    id INTEGER NOT NULL,
    text VARCHAR(80) NOT NULL,
    PRIMARY KEY (id)
);

-- +downgrade
DROP TABLE greeting;
