-- Supervision reports (báo cáo giám sát): the working-day calendar the
-- report SQL counts delays with, the stored report snapshots, and the
-- indexes the report queries need.

-- One row per civil date (Asia/Ho_Chi_Minh) of the filled range, written by
-- Store.FillCalendar / EnsureCalendar from internal/calendar. wd_index is the
-- number of working days from the first row up to and including day, so the
-- delay in working days from date a to date b (working days after a up to
-- and including b, calendar.WorkingDaysBetween) is wd(b) - wd(a).
CREATE TABLE calendar_days (
    day       date PRIMARY KEY,
    working   boolean NOT NULL,
    wd_index  int NOT NULL
);

-- Report snapshots. Per scope_key there are final versions 1..n (immutable)
-- and at most one draft, at version n+1, recomputed on demand.
CREATE TABLE reports (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    scope_key     text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('dialogue', 'plan', 'rollup')),
    version       int  NOT NULL CHECK (version >= 1),
    status        text NOT NULL CHECK (status IN ('draft', 'final')),
    assessment    text NOT NULL DEFAULT '',
    data          jsonb NOT NULL,
    computed_at   timestamptz NOT NULL,
    finalised_at  timestamptz,
    finalised_by  text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- GetReport (a version, or the newest: ORDER BY version DESC LIMIT 1)
    -- and ListReportVersions read through this index.
    UNIQUE (scope_key, version),
    CHECK ((status = 'final') = (finalised_at IS NOT NULL))
);
-- At most one draft per scope; SaveDraft upserts on it (ON CONFLICT target).
CREATE UNIQUE INDEX reports_one_draft_idx ON reports (scope_key) WHERE status = 'draft';

-- A final report is immutable: no UPDATE or DELETE of a final row, and no
-- TRUNCATE (which would bypass the row trigger). Drafts stay editable.
CREATE FUNCTION reports_final_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'reports: final reports are immutable: TRUNCATE is not allowed';
    END IF;
    IF OLD.status = 'final' THEN
        RAISE EXCEPTION 'reports: final report % (% v%) is immutable: % is not allowed',
            OLD.id, OLD.scope_key, OLD.version, TG_OP;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER reports_final_no_update_delete BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_final_immutable();
CREATE TRIGGER reports_no_truncate BEFORE TRUNCATE ON reports
    FOR EACH STATEMENT EXECUTE FUNCTION reports_final_immutable();

-- Indexes for the report queries (Store.ComputeReport). Chosen with
-- EXPLAIN (ANALYZE, BUFFERS) of the report statement, best of 3 runs, on two
-- synthetic data sets (TestReportQueryPlans in internal/store/report_test.go,
-- DOITHOAI_REPORT_EXPLAIN=1, scale 1 and DOITHOAI_REPORT_EXPLAIN_SCALE=5):
--   x1: 621 units, 2,000 dialogues, 60,000 opinions, 20,000 tasks,
--       ~29,000 alerts, 200,000 survey answers;
--   x5 (a national year): 3,101 units, 10,000 dialogues, 300,000 opinions,
--       100,000 tasks, ~147,000 alerts, 1,000,000 survey answers.
-- Scopes: one dialogue (14 tasks), one plan (4 dialogues), a district
-- roll-up (~100 dialogues), the province (everything), the communes of the
-- province for a quarter (~25%). Times in ms, x1 | x5, on a shared 2-core
-- machine (the buffer counts agree with them):
--                          dialogue   plan      district    province    communes/Q
--   all indexes below      0.4 | 1.9  0.7 | 2.6  10 | 18    125 | ~900   47 | ~350
--   no alerts_task_idx     7.6 | 52   7.8 | 45   18 | 137   127 | ~900   47 | ~350
--   no tasks_dialogue_idx  1.6 | 24   3.2 | 63   13 | 84    124 | ~900   49 | ~550
--   no survey_responses_dialogue_idx
--                          10  | 87   18  | 169  25 | 198   129 | ~1000  56 | ~790
--   no opinions (dialogue_id, seq)
--                          3.0 | 36   7.3 | 65   18 | 102   125 | ~980   52 | ~350
--   no dialogues_unit_idx  0.4 | 1.9  0.7 | 2.3  11 | 24    127 | ~1000  47 | ~320
--   + opinions (dialogue_id) INCLUDE (field, source, answered_on_spot)
--                          0.4 | 1.9  0.7 | 2.4  10 | 17    119 | ~710   45 | ~270
--   + tasks (dialogue_id) INCLUDE (status, late, due_at, …)
--                          0.4 | 1.9  0.7 | 7.6  11 | 48    127 | ~900   47 | ~300
-- The province figure is a full aggregation (parallel scans and hashes of
-- every row) whatever the indexes. The two covering indexes gain at most a
-- few ms (within the noise) and are not created. The report statement
-- runs with SET LOCAL random_page_cost = 1.1 (the rows are in memory):
-- with the default 4 the district roll-up at x5 hashed all the alerts
-- (240 ms instead of 20 ms).
--
-- Already there from earlier migrations, and needed (see the table):
--   survey_responses_dialogue_idx (dialogue_id, field): survey answers by field, index-only.
--   opinions UNIQUE (dialogue_id, seq): opinions of the dialogues in scope.
--   tasks_dialogue_idx (dialogue_id): tasks of the dialogues in scope.
--   sessions PRIMARY KEY (dialogue_id): held or not, attendance.
--   dialogues_plan_idx (plan_id, scheduled_at): the dialogues of a plan report.
--   units_path_idx (path text_pattern_ops): the subtree of a roll-up, units per level.
--   dialogues_unit_idx (unit_id, scheduled_at): unused at these sizes (dialogues are
--     seq-scanned); a roll-up over many years of dialogues will use it.
--   calendar_days PRIMARY KEY (day): wd() of the deadline and of the result.
-- New:
-- Escalations of the tasks in scope (alerts JOIN st ON task_id): 52 -> 1.9 ms for a dialogue at x5; also the task timeline.
CREATE INDEX alerts_task_idx ON alerts (task_id);
