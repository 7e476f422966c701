-- revision: 7dc3915fae68
-- down_revision: 4a5803104c4f
-- message: create hotel_request
-- create_date: 2026-02-20T09:48:17Z
-- transactional: true

-- +upgrade
CREATE TABLE hotel_request (
    id INTEGER NOT NULL,
    attendee_id INTEGER NOT NULL,
    nights VARCHAR(255) NOT NULL DEFAULT '',
    wanted_roommates TEXT NOT NULL DEFAULT '',
    special_needs TEXT,
    approved BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (id),
    CONSTRAINT uq_hotel_request_attendee_id UNIQUE (attendee_id),
    CONSTRAINT fk_hotel_request_attendee_id FOREIGN KEY (attendee_id)
        REFERENCES attendee (id) ON DELETE CASCADE
);

-- +downgrade
DROP TABLE hotel_request;
