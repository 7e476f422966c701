-- revision: 4c1a9e2b7f30
-- down_revision: 416eb615ff1a
-- branch_labels: panels
-- depends_on: 29b1b9a4e601, 7d3e01aa9c42
-- message: add panel_applicant.pronouns
-- create_date: 2026-11-22T23:04:11Z
-- transactional: true

-- +upgrade
ALTER TABLE panel_applicant ADD COLUMN pronouns VARCHAR(255) NOT NULL DEFAULT '';

-- +downgrade
ALTER TABLE panel_applicant DROP COLUMN pronouns;
