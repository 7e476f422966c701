-- revision: 79c4dcd72ebb
-- down_revision: 6da727332f2d
-- message: add attendee.placeholder and badge_printed_name
-- create_date: 2026-01-24T15:37:09Z
-- transactional: true

-- +upgrade
ALTER TABLE attendee ADD COLUMN placeholder BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE attendee ADD COLUMN badge_printed_name VARCHAR(20);
CREATE INDEX ix_attendee_email ON attendee (email); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade
DROP INDEX ix_attendee_email;
ALTER TABLE attendee DROP COLUMN badge_printed_name;
ALTER TABLE attendee DROP COLUMN placeholder;
