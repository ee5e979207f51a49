ALTER TABLE alerts DROP COLUMN recipient_key;
