-- revision: b2
-- down_revision: a1, a0
-- message: triggers, functions and a step
-- create_date: 2020-07-21 15:51:55.334506

-- a free comment; with a semicolon
-- +upgrade sqlite
CREATE TRIGGER t AFTER INSERT ON a BEGIN
  UPDATE a SET x = CASE WHEN x > 0 THEN 1 ELSE 0 END;
END;
-- +upgrade postgresql
CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.x := 1; RETURN NEW; END; $body$ LANGUAGE plpgsql;
CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC INSERT INTO a VALUES (1); END;
INSERT INTO a VALUES ('x;y', E'it\'s;', "c;d"); /* a /* nested */ comment */
-- +call panels:backfill_slugs
-- +downgrade
DROP TRIGGER t;
