-- chiso PostgreSQL store, migration 5: an e-mail address on accounts, where
-- the alerts' daily digest goes (chiso_app::alerts; empty: none).
-- Notifications and their deliveries are kept in the journals of migration 3
-- (kind 'alert'), not in tables of their own.

ALTER TABLE users ADD COLUMN email text NOT NULL DEFAULT '';
