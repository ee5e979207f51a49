DROP INDEX IF EXISTS dialogues_survey_token_idx;
ALTER TABLE dialogues DROP COLUMN IF EXISTS survey_token;
