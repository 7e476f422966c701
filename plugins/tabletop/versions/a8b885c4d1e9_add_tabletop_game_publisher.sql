-- revision: a8b885c4d1e9
-- down_revision: dc5716169a11
-- depends_on: 7bab885ed2bd
-- message: add tabletop_game.publisher
-- create_date: 2026-05-17T09:35:58Z
-- transactional: true

-- +upgrade
ALTER TABLE tabletop_game ADD COLUMN publisher VARCHAR(255) NOT NULL DEFAULT '';
CREATE INDEX ix_tabletop_game_name ON tabletop_game (name); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade
DROP INDEX ix_tabletop_game_name;
ALTER TABLE tabletop_game DROP COLUMN publisher;
