-- revision: c17a64bc2452
-- down_revision: 3a3eb9ba8c40
-- message: add attendee_group.status
-- create_date: 2026-04-12T08:54:29Z
-- transactional: true

-- +upgrade
ALTER TABLE attendee_group ADD COLUMN status VARCHAR(32) NOT NULL DEFAULT 'unapproved';
-- A data migration: groups that already paid were approved under the old process, which kept
-- no status; everything else waits for review.
UPDATE attendee_group SET status = 'approved' WHERE cost > 0;
CREATE INDEX ix_attendee_group_status ON attendee_group (status); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade
DROP INDEX ix_attendee_group_status;
ALTER TABLE attendee_group DROP COLUMN status;
