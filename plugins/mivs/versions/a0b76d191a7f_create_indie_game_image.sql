-- revision: a0b76d191a7f
-- down_revision: f7b9389d28d6
-- depends_on: c17a64bc2452
-- message: create indie_game_image
-- create_date: 2026-05-03T14:09:26Z
-- transactional: true

-- +upgrade postgresql
-- The two databases name a byte string differently (BYTEA, BLOB); everything else is the same.
CREATE TABLE indie_game_image (
    id INTEGER NOT NULL,
    game_id INTEGER NOT NULL,
    filename VARCHAR(255) NOT NULL,
    content BYTEA NOT NULL,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    is_screenshot BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (id),
    CONSTRAINT fk_indie_game_image_game_id FOREIGN KEY (game_id) REFERENCES indie_game (id) ON DELETE CASCADE
);
CREATE INDEX ix_indie_game_image_game_id ON indie_game_image (game_id);

-- +upgrade sqlite
CREATE TABLE indie_game_image (
    id INTEGER NOT NULL,
    game_id INTEGER NOT NULL,
    filename VARCHAR(255) NOT NULL,
    content BLOB NOT NULL,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    is_screenshot BOOLEAN NOT NULL DEFAULT true,
    PRIMARY KEY (id),
    CONSTRAINT fk_indie_game_image_game_id FOREIGN KEY (game_id) REFERENCES indie_game (id) ON DELETE CASCADE
);
CREATE INDEX ix_indie_game_image_game_id ON indie_game_image (game_id);

-- +downgrade
DROP INDEX ix_indie_game_image_game_id;
DROP TABLE indie_game_image;
