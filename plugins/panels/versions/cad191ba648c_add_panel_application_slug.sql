-- revision: cad191ba648c
-- down_revision: d5758c9cfb94
-- depends_on: 3a3eb9ba8c40
-- message: add panel_application.slug
-- create_date: 2026-03-15T19:12:36Z
-- transactional: true

-- +upgrade
-- Step one of two: the column arrives nullable and the C++ step panels:backfill_slugs fills it
-- from the names (slugs must be unique, which plain SQL says differently on each database).
-- c259062e8958 makes it NOT NULL once every row has one.
ALTER TABLE panel_application ADD COLUMN slug VARCHAR(255);
-- +call panels:backfill_slugs

-- +downgrade
ALTER TABLE panel_application DROP COLUMN slug;
