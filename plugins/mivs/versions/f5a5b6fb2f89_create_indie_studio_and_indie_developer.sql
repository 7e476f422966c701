-- revision: f5a5b6fb2f89
-- down_revision:
-- branch_labels: mivs
-- depends_on: 3a3eb9ba8c40
-- message: create indie_studio and indie_developer
-- create_date: 2026-03-09T11:30:02Z
-- transactional: true

-- +upgrade
CREATE TABLE indie_studio (
    id INTEGER NOT NULL,
    group_id INTEGER,
    name VARCHAR(255) NOT NULL,
    website VARCHAR(255) NOT NULL DEFAULT '',
    registered_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT uq_indie_studio_name UNIQUE (name),
    CONSTRAINT fk_indie_studio_group_id FOREIGN KEY (group_id)
        REFERENCES attendee_group (id) ON DELETE SET NULL
);

CREATE TABLE indie_developer (
    id INTEGER NOT NULL,
    studio_id INTEGER NOT NULL,
    attendee_id INTEGER,
    first_name VARCHAR(255) NOT NULL,
    last_name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NOT NULL,
    gets_emails BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT fk_indie_developer_studio_id FOREIGN KEY (studio_id)
        REFERENCES indie_studio (id) ON DELETE CASCADE,
    CONSTRAINT fk_indie_developer_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE SET NULL
);

CREATE INDEX ix_indie_developer_studio_id ON indie_developer (studio_id);

-- +downgrade
DROP INDEX ix_indie_developer_studio_id;
DROP TABLE indie_developer;
DROP TABLE indie_studio;
