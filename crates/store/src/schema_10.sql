-- chiso store, migration 10: an e-mail address on accounts, where the
-- alerts' daily digest goes (chiso_app::alerts; empty: none). Notifications
-- and their deliveries are kept in the journals of migration 8
-- (kind 'alert'), not in tables of their own.

ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
