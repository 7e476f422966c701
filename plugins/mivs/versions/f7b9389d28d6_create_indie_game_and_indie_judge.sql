-- revision: f7b9389d28d6
-- down_revision: f5a5b6fb2f89
-- message: create indie_game and indie_judge
-- create_date: 2026-03-20T13:57:21Z
-- transactional: true

-- +upgrade
CREATE TABLE indie_game (
    id INTEGER NOT NULL,
    studio_id INTEGER NOT NULL,
    public_id UUID NOT NULL,
    title VARCHAR(255) NOT NULL,
    brief_description VARCHAR(80) NOT NULL DEFAULT '',
    link_to_game VARCHAR(255) NOT NULL DEFAULT '',
    release_date DATE,
    average_score DOUBLE PRECISION,
    PRIMARY KEY (id),
    CONSTRAINT uq_indie_game_public_id UNIQUE (public_id),
    CONSTRAINT fk_indie_game_studio_id FOREIGN KEY (studio_id) REFERENCES indie_studio (id) ON DELETE CASCADE
);

CREATE INDEX ix_indie_game_studio_id ON indie_game (studio_id);

CREATE TABLE indie_judge (
    id INTEGER NOT NULL,
    attendee_id INTEGER NOT NULL,
    status VARCHAR(32) NOT NULL DEFAULT 'uncontacted',
    genres VARCHAR(255) NOT NULL DEFAULT '',
    no_game_submission BOOLEAN,
    PRIMARY KEY (id),
    CONSTRAINT uq_indie_judge_attendee_id UNIQUE (attendee_id),
    CONSTRAINT fk_indie_judge_attendee_id FOREIGN KEY (attendee_id) REFERENCES attendee (id) ON DELETE CASCADE
);

-- +downgrade
DROP TABLE indie_judge;
DROP INDEX ix_indie_game_studio_id;
DROP TABLE indie_game;
