-- Administrative units: province/city > district > commune/ward/town.
CREATE TABLE units (
    id          uuid PRIMARY KEY,
    code        text UNIQUE,
    parent_id   uuid REFERENCES units (id),
    level       text NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    name        text NOT NULL,
    -- Materialised path of ids from the root, "/<root>/<child>/…/<self>/",
    -- so a subtree is one prefix match.
    path        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);

-- Annual plans (kế hoạch tiếp xúc, đối thoại hằng năm).
CREATE TABLE plans (
    id            uuid PRIMARY KEY,
    unit_id       uuid NOT NULL REFERENCES units (id),
    year          int  NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    reference_no  text NOT NULL,
    issuing_body  text NOT NULL,
    title         text NOT NULL DEFAULT '',
    policy        jsonb NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
    created_by    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    UNIQUE (unit_id, year, reference_no)
);
CREATE INDEX plans_year_idx ON plans (year, unit_id);

-- Dialogues (hội nghị tiếp xúc, đối thoại) scheduled by a plan or added ad hoc.
CREATE TABLE dialogues (
    id                 uuid PRIMARY KEY,
    plan_id            uuid NOT NULL REFERENCES plans (id),
    unit_id            uuid NOT NULL REFERENCES units (id),
    seq                int  NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('periodic', 'thematic', 'adhoc')),
    topic              text NOT NULL DEFAULT '',
    title              text NOT NULL DEFAULT '',
    scheduled_at       timestamptz NOT NULL,
    place              text NOT NULL DEFAULT '',
    hosts              jsonb NOT NULL DEFAULT '[]',
    invited_groups     jsonb NOT NULL DEFAULT '[]',
    phase              text NOT NULL DEFAULT 'scheduled' CHECK (phase IN
                         ('scheduled', 'survey_open', 'awaiting_session', 'session_recorded', 'closed', 'cancelled')),
    survey_opens_at    timestamptz NOT NULL,
    survey_closes_at   timestamptz NOT NULL,
    session_due_by     timestamptz NOT NULL,
    reschedule_count   int  NOT NULL DEFAULT 0,
    cancel_reason      text NOT NULL DEFAULT '',
    session_recorded_at timestamptz,
    closed_at          timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, seq)
);
CREATE INDEX dialogues_plan_idx ON dialogues (plan_id, scheduled_at);
CREATE INDEX dialogues_unit_idx ON dialogues (unit_id, scheduled_at);

-- Pre-meeting survey answers (phiếu xin ý kiến). Bulk data: never in workflow history.
CREATE TABLE survey_responses (
    id               uuid PRIMARY KEY,
    dialogue_id      uuid NOT NULL REFERENCES dialogues (id),
    field            text NOT NULL,
    content          text NOT NULL,
    respondent_name  text NOT NULL DEFAULT '',
    respondent_group text NOT NULL DEFAULT '',
    submitted_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_responses_dialogue_idx ON survey_responses (dialogue_id, field);

-- The summary written when a survey closes (one row per dialogue, overwritten on retry).
CREATE TABLE survey_summaries (
    dialogue_id  uuid PRIMARY KEY REFERENCES dialogues (id),
    total        int   NOT NULL,
    by_field     jsonb NOT NULL,
    main_issues  jsonb NOT NULL,
    computed_at  timestamptz NOT NULL
);

-- The recorded session (hội nghị) of a dialogue.
CREATE TABLE sessions (
    dialogue_id   uuid PRIMARY KEY REFERENCES dialogues (id),
    held_at       timestamptz NOT NULL,
    chair         text NOT NULL DEFAULT '',
    attendance    jsonb NOT NULL,
    notes         text NOT NULL DEFAULT '',
    recorded_by   text NOT NULL DEFAULT '',
    recorded_at   timestamptz NOT NULL
);

-- Opinions raised at a session, from the survey or the floor.
CREATE TABLE opinions (
    id                uuid PRIMARY KEY,
    dialogue_id       uuid NOT NULL REFERENCES dialogues (id),
    seq               int  NOT NULL,
    field             text NOT NULL,
    content           text NOT NULL,
    source            text NOT NULL CHECK (source IN ('survey', 'floor')),
    answered_on_spot  boolean NOT NULL DEFAULT false,
    answer            text NOT NULL DEFAULT '',
    UNIQUE (dialogue_id, seq)
);

-- The chair's conclusions (kết luận); each will become follow-up tasks.
CREATE TABLE conclusions (
    id           uuid PRIMARY KEY,
    dialogue_id  uuid NOT NULL REFERENCES dialogues (id),
    seq          int  NOT NULL,
    content      text NOT NULL,
    UNIQUE (dialogue_id, seq)
);

-- Alerts that someone must acknowledge. dedup_key makes every alert exactly-once
-- whatever the activity retries, worker restarts or replays.
CREATE TABLE alerts (
    id              uuid PRIMARY KEY,
    dedup_key       text NOT NULL UNIQUE,
    unit_id         uuid NOT NULL REFERENCES units (id),
    recipient_role  text NOT NULL,
    kind            text NOT NULL,
    level           int  NOT NULL DEFAULT 0,
    plan_id         uuid REFERENCES plans (id),
    dialogue_id     uuid REFERENCES dialogues (id),
    task_id         uuid,
    title_vi        text NOT NULL,
    title_en        text NOT NULL,
    body_vi         text NOT NULL,
    body_en         text NOT NULL,
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged')),
    created_at      timestamptz NOT NULL DEFAULT now(),
    acked_at        timestamptz,
    acked_by        text NOT NULL DEFAULT ''
);
CREATE INDEX alerts_unit_idx ON alerts (unit_id, status, created_at DESC);

-- Outbound notices (to hosts, assignees …), exactly once per dedup_key.
CREATE TABLE notifications (
    id           uuid PRIMARY KEY,
    dedup_key    text NOT NULL UNIQUE,
    unit_id      uuid NOT NULL REFERENCES units (id),
    dialogue_id  uuid REFERENCES dialogues (id),
    recipient    text NOT NULL,
    channel      text NOT NULL,
    subject_vi   text NOT NULL,
    subject_en   text NOT NULL,
    body_vi      text NOT NULL,
    body_en      text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- The append-only audit trail: who did what to which entity, when.
CREATE TABLE events (
    id           bigserial PRIMARY KEY,
    dedup_key    text UNIQUE,
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    actor_role   text NOT NULL DEFAULT '',
    action       text NOT NULL,
    entity_type  text NOT NULL,
    entity_id    uuid NOT NULL,
    unit_id      uuid,
    request_id   text NOT NULL DEFAULT '',
    data         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX events_entity_idx ON events (entity_type, entity_id, id);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is append-only: % is not allowed', TG_OP;
END;
$$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Responses remembered per Idempotency-Key.
CREATE TABLE idempotency_keys (
    scope         text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        int,
    response      bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
);
