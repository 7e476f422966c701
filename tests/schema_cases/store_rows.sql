-- Rows for store.json, valid on SQLite and PostgreSQL, inserted parents first (the cycles:
-- a department before its head, a store before its manager, then the references filled in).
INSERT INTO "Artist" ("ArtistId", "Name") VALUES (1, 'AC/DC'), (2, 'Accept'), (3, 'Aerosmith');
INSERT INTO "Album" ("AlbumId", "Title", "ArtistId") VALUES (1, 'For Those About To Rock We Salute You', 1), (2, 'Balls to the Wall', 2), (3, 'Restless and Wild', 2);
INSERT INTO media_type (media_type_id, name) VALUES (1, 'MPEG audio file'), (2, 'Protected AAC audio file');
INSERT INTO genre (genre_id, name) VALUES (1, 'Rock'), (2, 'Jazz');
INSERT INTO "Track" ("TrackId", "Name", "AlbumId", "MediaTypeId", "GenreId", "Composer", "Milliseconds", "Bytes", "UnitPrice") VALUES
 (1, 'For Those About To Rock (We Salute You)', 1, 1, 1, 'Angus Young, Malcolm Young, Brian Johnson', 343719, 11170334, 0.99),
 (2, 'Balls to the Wall', 2, 2, 1, NULL, 342562, 5510424, 0.99),
 (3, 'Fast As a Shark', 3, 2, 1, 'F. Baltes, S. Kaufman, U. Dirkscneider & W. Hoffman', 230619, 3990994, 0.99),
 (4, 'Princess of the Dawn', 3, 2, 1, 'Deaffy & R.A. Smith-Diesel', 375418, 6290521, 0.99);
INSERT INTO "Playlist" ("PlaylistId", "Name") VALUES (1, 'Music'), (2, 'Movies');
INSERT INTO "PlaylistTrack" ("PlaylistId", "TrackId", "order") VALUES (1, 1, 1), (1, 2, 2), (2, 3, 1);
INSERT INTO department (department_id, name, head_id) VALUES (1, 'Sales', NULL), (2, 'IT', NULL);
INSERT INTO employee (employee_id, last_name, first_name, title, reports_to, department_id, birth_date, hire_date, email, country) VALUES
 (1, 'Adams', 'Andrew', 'General Manager', NULL, 1, '1962-02-18', '2002-08-14 00:00:00', 'andrew@chinookcorp.com', 'CA'),
 (2, 'Edwards', 'Nancy', 'Sales Manager', 1, 1, '1958-12-08', '2002-05-01 00:00:00', 'nancy@chinookcorp.com', 'CA'),
 (3, 'Mitchell', 'Michael', 'IT Manager', 1, 2, '1973-07-01', '2003-10-17 00:00:00', 'michael@chinookcorp.com', 'CA');
UPDATE department SET head_id = 1 WHERE department_id = 1;
UPDATE department SET head_id = 3 WHERE department_id = 2;
INSERT INTO customer (customer_id, first_name, last_name, company, email, phone, support_rep_id, active) VALUES
 (1, 'Luís', 'Gonçalves', 'Embraer', 'luisg@embraer.com.br', '+55 (12) 3923-5555', 2, true),
 (2, 'Leonie', 'Köhler', NULL, 'leonekohler@surfeu.de', '+49 0711 2842222', 2, true),
 (3, 'François', 'Tremblay', NULL, 'ftremblay@gmail.com', '+1 (514) 721-4711', 3, false),
 (4, 'Bjørn', 'Hansen', NULL, 'bjorn.hansen@yahoo.no', '+47 22 44 22 22', NULL, true),
 (5, 'Frank', 'Hansen', NULL, 'frank.hansen@yahoo.no', NULL, 3, true);
INSERT INTO invoice (invoice_id, customer_id, invoice_date, billing_country, total) VALUES
 (1, 2, '2009-01-01 00:00:00', 'Germany', 1.98), (2, 4, '2009-01-02 00:00:00', 'Norway', 3.96);
INSERT INTO invoice_line (invoice_line_id, invoice_id, track_id, unit_price, quantity) VALUES
 (1, 1, 2, 0.99, 1), (2, 1, 4, 0.99, 1), (3, 2, 1, 0.99, 4);
INSERT INTO payment (payment_id, invoice_id, amount, paid_at, method) VALUES (1, 1, 1.98, '2009-01-03 10:00:00.123', 'card');
INSERT INTO store (store_id, manager_staff_id, name) VALUES (1, NULL, 'Lethbridge'), (2, NULL, 'Woodridge');
INSERT INTO staff (staff_id, store_id, first_name, last_name, active, username) VALUES
 (1, 1, 'Mike', 'Hillyer', true, 'Mike'), (2, 2, 'Jon', 'Stephens', true, 'Jon');
UPDATE store SET manager_staff_id = store_id;
INSERT INTO film (film_id, title, description, release_year, rental_rate, length, rating, special_features) VALUES
 (1, 'Academy Dinosaur', 'A Epic Drama of a Feminist', 2006, 0.99, 86, 'PG', '{"Deleted Scenes","Behind the Scenes"}'),
 (2, 'Ace Goldfinger', 'A Astounding Epistle', 2006, 4.99, 48, 'G', '{Trailers}');
INSERT INTO actor (actor_id, first_name, last_name) VALUES (1, 'Penelope', 'Guiness'), (2, 'Nick', 'Wahlberg');
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 1), (2, 2);
INSERT INTO category (category_id, name) VALUES (1, 'Action'), (2, 'Documentary');
INSERT INTO film_category (film_id, category_id) VALUES (1, 2), (2, 1);
INSERT INTO inventory (inventory_id, film_id, store_id) VALUES (1, 1, 1), (2, 1, 2), (3, 2, 2);
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id) VALUES
 (1, '2005-05-24 22:53:30', 1, 1, '2005-05-26 22:04:30', 1), (2, '2005-05-24 22:54:33', 3, 4, NULL, 2);
INSERT INTO "user" (id, "group", "Key", settings, profile, rating, score, wake_time, last_login, login_ip, visits, level) VALUES
 (1, 'admin', '6f1c0d2e-6a3b-4c59-9d7e-2f3a4b5c6d7e', '{"theme": "dark"}', '{"bio": "x"}', 4.5, 0.125, '07:30:00', '2026-11-30 08:00:00+00', '10.0.0.1', 12, 3);
INSERT INTO genre_note (id, genre_id, note) VALUES (1, 1, 'loud'), (2, 2, 'smooth');
INSERT INTO audit_log (id, payload) VALUES (1, '{"event": "created"}');
