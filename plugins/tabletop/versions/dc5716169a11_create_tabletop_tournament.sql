-- revision: dc5716169a11
-- down_revision: 486078828989
-- depends_on: c259062e8958
-- message: create tabletop_tournament
-- create_date: 2026-04-15T15:16:03Z
-- transactional: true

-- +upgrade
-- A tournament is scheduled like a panel: it points at the panels plugin's application.
CREATE TABLE tabletop_tournament (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    panel_id INTEGER,
    start_date DATE,
    start_time TIME,
    max_players SMALLINT NOT NULL DEFAULT 16,
    prize_pool REAL,
    PRIMARY KEY (id),
    CONSTRAINT fk_tabletop_tournament_panel_id FOREIGN KEY (panel_id)
        REFERENCES panel_application (id) ON DELETE SET NULL,
    CONSTRAINT ck_tabletop_tournament_max_players CHECK (max_players >= 2)
);

CREATE INDEX ix_tabletop_tournament_panel_id ON tabletop_tournament (panel_id);

-- +downgrade
DROP INDEX ix_tabletop_tournament_panel_id;
DROP TABLE tabletop_tournament;
