-- Rows for rental.json, valid on SQLite and PostgreSQL, parents first (the cycle: a store before
-- its manager, then the manager filled in).
INSERT INTO country (country_id, country) VALUES (1, 'Canada'), (2, 'Australia'), (3, 'Japan');
INSERT INTO city (city_id, city, country_id) VALUES (1, 'Lethbridge', 1), (2, 'Woodridge', 2), (3, 'Sasebo', 3);
INSERT INTO address (address_id, address, district, city_id, postal_code, phone) VALUES (1, '47 MySakila Drive', 'Alberta', 1, NULL, ''), (2, '28 MySQL Boulevard', 'QLD', 2, NULL, ''), (3, '1913 Hanoi Way', 'Nagasaki', 3, '35200', '28303384290');
INSERT INTO store (store_id, manager_staff_id, address_id) VALUES (1, NULL, 1), (2, NULL, 2);
INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active, username, password) VALUES (1, 'Mike', 'Hillyer', 1, 'Mike.Hillyer@sakilastaff.com', 1, true, 'Mike', '8cb2237d0679ca88db6464eac60da96345513964'), (2, 'Jon', 'Stephens', 2, 'Jon.Stephens@sakilastaff.com', 2, true, 'Jon', NULL);
UPDATE store SET manager_staff_id = store_id;
INSERT INTO language (language_id, name) VALUES (1, 'English'), (2, 'Italian');
INSERT INTO category (category_id, name) VALUES (1, 'Action'), (2, 'Documentary');
INSERT INTO actor (actor_id, first_name, last_name) VALUES (1, 'PENELOPE', 'GUINESS'), (2, 'NICK', 'WAHLBERG'), (3, 'ED', 'CHASE');
INSERT INTO film (film_id, title, description, release_year, language_id, rental_duration, rental_rate, length, replacement_cost, rating, special_features, fulltext) VALUES
 (1, 'ACADEMY DINOSAUR', 'A Epic Drama of a Feminist And a Mad Scientist', 2006, 1, 6, 0.99, 86, 20.99, 'PG', '{Deleted Scenes,Behind the Scenes}', 'academi dinosaur'),
 (2, 'ACE GOLDFINGER', 'A Astounding Epistle of a Database Administrator', 2006, 1, 3, 4.99, 48, 12.99, 'G', '{Trailers}', 'ace goldfing'),
 (3, 'ADAPTATION HOLES', 'A Astounding Reflection of a Lumberjack', 2006, 2, 7, 2.99, 130, 18.99, 'NC-17', NULL, 'adapt hole');
INSERT INTO film_actor (actor_id, film_id) VALUES (1, 1), (2, 1), (2, 3), (3, 2);
INSERT INTO film_category (film_id, category_id) VALUES (1, 2), (2, 1), (3, 2);
INSERT INTO inventory (inventory_id, film_id, store_id) VALUES (1, 1, 1), (2, 1, 2), (3, 3, 2);
INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, active) VALUES
 (1, 1, 'MARY', 'SMITH', 'mary.smith@sakilacustomer.org', 3, 1),
 (2, 1, 'PATRICIA', 'JOHNSON', 'patricia.johnson@sakilacustomer.org', 3, 1),
 (3, 2, 'LINDA', 'SMITH', 'linda.williams@sakilacustomer.org', 3, 1);
INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id) VALUES (1, '2005-05-24 22:53:30+00', 1, 1, '2005-05-26 22:04:30+00', 1), (2, '2005-05-24 22:54:33+00', 3, 2, NULL, 2);
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date) VALUES (1, 1, 1, 1, 2.99, '2005-05-25 11:30:37+00'), (2, 2, 2, 2, 0.99, '2005-05-28 10:35:23+00');
