-- What the database has before trellis: the rental schema's domain (models name it as a type
-- trellis carries by its spelling) and the text search type it already knows.
CREATE DOMAIN year AS integer CONSTRAINT year_check CHECK (VALUE >= 1901 AND VALUE <= 2155);
