DELETE FROM undelivered WHERE item_kind = 'respondents';
ALTER TABLE undelivered DROP CONSTRAINT IF EXISTS undelivered_item_kind_check;
ALTER TABLE undelivered ADD CONSTRAINT undelivered_item_kind_check CHECK (item_kind IN ('alert', 'notification'));
DELETE FROM deliveries WHERE item_kind = 'respondent' OR channel = 'sms';
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_channel_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('webhook', 'email'));
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_item_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_item_kind_check CHECK (item_kind IN ('alert', 'notification'));
DROP TABLE IF EXISTS respondent_contacts;
