-- A respondent's optional contact, given with explicit consent, to be told
-- when the answer or the result of their opinion is published. Only the
-- system reads it (never an API answer or a page); it is deleted a
-- configured time after the dialogue closes (Decree 13/2023 on personal
-- data), and the deletion is logged in events.
CREATE TABLE respondent_contacts (
    survey_response_id  uuid PRIMARY KEY REFERENCES survey_responses (id),
    dialogue_id         uuid NOT NULL REFERENCES dialogues (id),
    email               text NOT NULL DEFAULT '',
    phone               text NOT NULL DEFAULT '',
    consent_text        text NOT NULL,
    consented_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (email <> '' OR phone <> '')
);
CREATE INDEX respondent_contacts_dialogue_idx ON respondent_contacts (dialogue_id);

-- Notices to respondents are delivered like alerts (one record per
-- attempt); their target is never the contact itself, so nothing personal
-- outlives the contact.
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_item_kind_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_item_kind_check CHECK (item_kind IN ('alert', 'notification', 'respondent'));
ALTER TABLE deliveries DROP CONSTRAINT IF EXISTS deliveries_channel_check;
ALTER TABLE deliveries ADD CONSTRAINT deliveries_channel_check CHECK (channel IN ('webhook', 'email', 'sms'));
-- A dialogue's notices to respondents not through within the delivery
-- bound are recorded like alerts (the item is the dialogue).
ALTER TABLE undelivered DROP CONSTRAINT IF EXISTS undelivered_item_kind_check;
ALTER TABLE undelivered ADD CONSTRAINT undelivered_item_kind_check CHECK (item_kind IN ('alert', 'notification', 'respondents'));
