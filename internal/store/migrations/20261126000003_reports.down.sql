DROP INDEX IF EXISTS alerts_task_idx;
DROP TABLE IF EXISTS reports;
DROP FUNCTION IF EXISTS reports_final_immutable();
DROP TABLE IF EXISTS calendar_days;
