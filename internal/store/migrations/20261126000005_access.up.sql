-- Every dialogue's survey gets an unguessable link token (two random
-- UUIDs' worth, 244 random bits, as 64 hex digits) that respondents without
-- an account use; it works only while the survey is open.
ALTER TABLE dialogues ADD COLUMN survey_token text;
UPDATE dialogues SET survey_token = replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
ALTER TABLE dialogues ALTER COLUMN survey_token
    SET DEFAULT replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '');
ALTER TABLE dialogues ALTER COLUMN survey_token SET NOT NULL;
CREATE UNIQUE INDEX dialogues_survey_token_idx ON dialogues (survey_token);
