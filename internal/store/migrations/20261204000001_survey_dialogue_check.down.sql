DROP TRIGGER IF EXISTS dialogues_keep_survey_answers ON dialogues;
DROP FUNCTION IF EXISTS dialogues_keep_survey_answers();
DROP TRIGGER IF EXISTS survey_responses_dialogue_on_update ON survey_responses;
DROP TRIGGER IF EXISTS survey_responses_dialogue_on_insert ON survey_responses;
DROP FUNCTION IF EXISTS survey_responses_dialogue_exists();
ALTER TABLE survey_responses ADD CONSTRAINT survey_responses_dialogue_id_fkey
    FOREIGN KEY (dialogue_id) REFERENCES dialogues (id);
