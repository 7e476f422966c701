-- revision: d5758c9cfb94
-- down_revision:
-- branch_labels: panels
-- depends_on: 79c4dcd72ebb
-- message: create panel_application and panel_applicant
-- create_date: 2026-02-12T14:25:30Z
-- transactional: true

-- +upgrade
CREATE TABLE panel_application (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    length_minutes SMALLINT NOT NULL DEFAULT 60,
    status VARCHAR(32) NOT NULL DEFAULT 'pending',
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT ck_panel_application_length CHECK (length_minutes > 0 AND length_minutes <= 240)
);

CREATE TABLE panel_applicant (
    id INTEGER NOT NULL,
    application_id INTEGER NOT NULL,
    attendee_id INTEGER,
    first_name VARCHAR(255) NOT NULL,
    last_name VARCHAR(255) NOT NULL,
    email VARCHAR(255) NOT NULL,
    submitter BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT fk_panel_applicant_application_id FOREIGN KEY (application_id)
        REFERENCES panel_application (id) ON DELETE CASCADE,
    CONSTRAINT fk_panel_applicant_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE SET NULL
);

CREATE INDEX ix_panel_applicant_application_id ON panel_applicant (application_id);

-- +downgrade
DROP INDEX ix_panel_applicant_application_id;
DROP TABLE panel_applicant;
DROP TABLE panel_application;
