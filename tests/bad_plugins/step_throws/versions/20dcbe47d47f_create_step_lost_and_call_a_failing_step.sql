-- revision: 20dcbe47d47f
-- down_revision: b5e6d321d487
-- message: create step_lost and call a failing step
-- create_date: 2026-06-02T10:00:00Z
-- transactional: true

-- +upgrade
CREATE TABLE step_lost (
    id INTEGER NOT NULL,
    PRIMARY KEY (id)
);
-- +call step_throws:explode

-- +downgrade
DROP TABLE step_lost;
