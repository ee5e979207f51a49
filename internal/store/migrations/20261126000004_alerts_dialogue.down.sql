DROP INDEX IF EXISTS alerts_dialogue_idx;
