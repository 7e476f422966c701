-- revision: c3
-- down_revision:
-- transactional: false

-- +upgrade
BEGIN;
CREATE INDEX CONCURRENTLY i ON t (x);
COMMIT;
-- +irreversible
