-- revision: 76621e8d9b24
-- down_revision: d118fc16e098
-- depends_on: 7bab885ed2bd
-- message: add guest_group bio, website and honorarium
-- create_date: 2026-05-10T16:47:13Z
-- transactional: true

-- +upgrade
ALTER TABLE guest_group ADD COLUMN bio TEXT NOT NULL DEFAULT '';
ALTER TABLE guest_group ADD COLUMN website VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE guest_group ADD COLUMN honorarium NUMERIC(8, 2);
-- A data migration: a guest who asked for a panel used to describe it in the panel's own
-- description; copy that text in as a first bio so the guest page is not empty.
UPDATE guest_group SET bio = (
    SELECT panel_application.description
    FROM guest_panel JOIN panel_application ON panel_application.id = guest_panel.application_id
    WHERE guest_panel.guest_group_id = guest_group.id
)
WHERE EXISTS (
    SELECT 1
    FROM guest_panel JOIN panel_application ON panel_application.id = guest_panel.application_id
    WHERE guest_panel.guest_group_id = guest_group.id
);

-- +downgrade
ALTER TABLE guest_group DROP COLUMN honorarium;
ALTER TABLE guest_group DROP COLUMN website;
ALTER TABLE guest_group DROP COLUMN bio;
