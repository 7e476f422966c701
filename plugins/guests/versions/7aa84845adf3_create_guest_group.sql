-- revision: 7aa84845adf3
-- down_revision:
-- branch_labels: guests
-- depends_on: cad191ba648c
-- message: create guest_group
-- create_date: 2026-03-22T10:41:08Z
-- transactional: true

-- +upgrade
-- A guest (a band, a panelist, an industry guest) registers as an uber group.
CREATE TABLE guest_group (
    id INTEGER NOT NULL,
    group_id INTEGER NOT NULL,
    group_type VARCHAR(32) NOT NULL DEFAULT 'guest',
    num_hotel_rooms SMALLINT NOT NULL DEFAULT 0,
    wants_mc BOOLEAN,
    PRIMARY KEY (id),
    CONSTRAINT uq_guest_group_group_id UNIQUE (group_id),
    CONSTRAINT fk_guest_group_group_id FOREIGN KEY (group_id)
        REFERENCES attendee_group (id) ON DELETE CASCADE,
    CONSTRAINT ck_guest_group_num_hotel_rooms CHECK (num_hotel_rooms >= 0)
);

-- +downgrade
DROP TABLE guest_group;
