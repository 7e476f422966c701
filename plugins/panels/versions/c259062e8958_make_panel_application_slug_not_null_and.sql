-- revision: c259062e8958
-- down_revision: cad191ba648c
-- message: make panel_application.slug not null and unique
-- create_date: 2026-04-05T12:03:14Z
-- transactional: true

-- +upgrade postgresql
-- Step two of two. Rows inserted since cad191ba648c by servers that did not set a slug yet get
-- one first, so tightening cannot fail on them.
-- +call panels:backfill_slugs
-- Reviewed: the step above gives every row a unique slug, which lint cannot see in SQL.
-- trellis:nolint T202
ALTER TABLE panel_application ALTER COLUMN slug SET NOT NULL; -- trellis:nolint T409: reviewed, the demo's tables are small
-- trellis:nolint T203
CREATE UNIQUE INDEX ix_panel_application_slug ON panel_application (slug); -- trellis:nolint T401: reviewed, the demo's tables are small

-- +downgrade postgresql
DROP INDEX ix_panel_application_slug;
ALTER TABLE panel_application ALTER COLUMN slug DROP NOT NULL;

-- +upgrade sqlite
-- SQLite cannot add NOT NULL to an existing column: rebuild the table (create, copy, drop,
-- rename). trellis leaves foreign_keys off, so dropping the old table neither fails nor cascades
-- into panel_applicant, whose foreign key finds the new table again by name.
-- +call panels:backfill_slugs
CREATE TABLE panel_application_new (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    length_minutes SMALLINT NOT NULL DEFAULT 60,
    status VARCHAR(32) NOT NULL DEFAULT 'pending',
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    slug VARCHAR(255) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_panel_application_length CHECK (length_minutes > 0 AND length_minutes <= 240)
);
-- Reviewed, as above: every slug is set and unique by now.
-- trellis:nolint T202
INSERT INTO panel_application_new (id, name, description, length_minutes, status, submitted_at, slug)
    SELECT id, name, description, length_minutes, status, submitted_at, slug FROM panel_application;
DROP TABLE panel_application;
ALTER TABLE panel_application_new RENAME TO panel_application;
-- trellis:nolint T203
CREATE UNIQUE INDEX ix_panel_application_slug ON panel_application (slug);

-- +downgrade sqlite
CREATE TABLE panel_application_old (
    id INTEGER NOT NULL,
    name VARCHAR(255) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    length_minutes SMALLINT NOT NULL DEFAULT 60,
    status VARCHAR(32) NOT NULL DEFAULT 'pending',
    submitted_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    slug VARCHAR(255),
    PRIMARY KEY (id),
    CONSTRAINT ck_panel_application_length CHECK (length_minutes > 0 AND length_minutes <= 240)
);
INSERT INTO panel_application_old (id, name, description, length_minutes, status, submitted_at, slug)
    SELECT id, name, description, length_minutes, status, submitted_at, slug FROM panel_application;
DROP TABLE panel_application;
ALTER TABLE panel_application_old RENAME TO panel_application;
