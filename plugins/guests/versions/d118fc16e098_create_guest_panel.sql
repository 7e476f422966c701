-- revision: d118fc16e098
-- down_revision: 7aa84845adf3
-- depends_on: c259062e8958
-- message: create guest_panel
-- create_date: 2026-04-08T21:33:47Z
-- transactional: true

-- +upgrade
-- What a guest wants to present, linked to the panels plugin's application once one exists.
CREATE TABLE guest_panel (
    id INTEGER NOT NULL,
    guest_group_id INTEGER NOT NULL,
    application_id INTEGER,
    wants_panel VARCHAR(32) NOT NULL DEFAULT '',
    tech_needs TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (id),
    CONSTRAINT uq_guest_panel_guest_group_id UNIQUE (guest_group_id),
    CONSTRAINT fk_guest_panel_guest_group_id FOREIGN KEY (guest_group_id)
        REFERENCES guest_group (id) ON DELETE CASCADE,
    CONSTRAINT fk_guest_panel_application_id FOREIGN KEY (application_id)
        REFERENCES panel_application (id) ON DELETE SET NULL
);

CREATE INDEX ix_guest_panel_application_id ON guest_panel (application_id);

-- +downgrade
DROP INDEX ix_guest_panel_application_id;
DROP TABLE guest_panel;
