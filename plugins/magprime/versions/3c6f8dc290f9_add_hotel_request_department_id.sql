-- revision: 3c6f8dc290f9
-- down_revision: 7dc3915fae68
-- depends_on: c17a64bc2452
-- message: add hotel_request.department_id
-- create_date: 2026-04-19T18:40:51Z
-- transactional: true

-- +upgrade
-- Staff rooms are paid for by a department: uber's department table (3a3eb9ba8c40) must exist,
-- which the depends_on above guarantees on a fresh database.
ALTER TABLE hotel_request ADD COLUMN department_id INTEGER -- trellis:nolint T405: reviewed, the demo's tables are small
    CONSTRAINT fk_hotel_request_department_id REFERENCES department (id) ON DELETE SET NULL;
CREATE INDEX ix_hotel_request_department_id ON hotel_request (department_id); -- trellis:nolint T401: reviewed, the demo's tables are small
-- A data migration: charge existing requests to a department the attendee works in.
UPDATE hotel_request SET department_id = (
    SELECT MIN(dept_membership.department_id)
    FROM dept_membership
    WHERE dept_membership.attendee_id = hotel_request.attendee_id
);

-- +downgrade
DROP INDEX ix_hotel_request_department_id;
ALTER TABLE hotel_request DROP COLUMN department_id;
