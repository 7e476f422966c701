-- revision: 4a5803104c4f
-- down_revision:
-- branch_labels: magprime
-- depends_on: 79c4dcd72ebb
-- message: add magprime columns to attendee
-- create_date: 2026-02-03T20:11:52Z
-- transactional: true

-- +upgrade
-- MAGFest's own attendee details live on uber's attendee table; this branch owns these columns.
ALTER TABLE attendee ADD COLUMN nights VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE attendee ADD COLUMN shirt_size VARCHAR(16);
CREATE INDEX ix_attendee_shirt_size ON attendee (shirt_size); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade
DROP INDEX ix_attendee_shirt_size;
ALTER TABLE attendee DROP COLUMN shirt_size;
ALTER TABLE attendee DROP COLUMN nights;
