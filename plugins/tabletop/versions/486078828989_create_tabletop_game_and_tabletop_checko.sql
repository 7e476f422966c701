-- revision: 486078828989
-- down_revision:
-- branch_labels: tabletop
-- depends_on: cad191ba648c
-- message: create tabletop_game and tabletop_checkout
-- create_date: 2026-03-29T17:20:55Z
-- transactional: true

-- +upgrade
-- The lending library: games attendees bring or the event owns, and who has each one now.
CREATE TABLE tabletop_game (
    id INTEGER NOT NULL,
    code VARCHAR(16) NOT NULL,
    name VARCHAR(255) NOT NULL,
    attendee_id INTEGER NOT NULL,
    returned BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT uq_tabletop_game_code UNIQUE (code),
    CONSTRAINT fk_tabletop_game_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE CASCADE
);

CREATE TABLE tabletop_checkout (
    id INTEGER NOT NULL,
    game_id INTEGER NOT NULL,
    attendee_id INTEGER NOT NULL,
    checked_out TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    returned TIMESTAMP,
    PRIMARY KEY (id),
    CONSTRAINT fk_tabletop_checkout_game_id FOREIGN KEY (game_id)
        REFERENCES tabletop_game (id) ON DELETE CASCADE,
    CONSTRAINT fk_tabletop_checkout_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE CASCADE
);

CREATE INDEX ix_tabletop_checkout_game_id ON tabletop_checkout (game_id);

-- +downgrade
DROP INDEX ix_tabletop_checkout_game_id;
DROP TABLE tabletop_checkout;
DROP TABLE tabletop_game;
