-- Follow-up tasks (tổ chức thực hiện kết luận), their alerts, reminders and
-- deliveries.

-- Where a unit's alerts and reminders go besides the API: a webhook and the
-- e-mail addresses of people by role.
ALTER TABLE units ADD COLUMN webhook_url text NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN webhook_secret text NOT NULL DEFAULT '';
CREATE TABLE unit_contacts (
    unit_id  uuid NOT NULL REFERENCES units (id),
    role     text NOT NULL,
    email    text NOT NULL,
    name     text NOT NULL DEFAULT '',
    PRIMARY KEY (unit_id, role, email)
);

CREATE TABLE tasks (
    id                uuid PRIMARY KEY,
    dialogue_id       uuid NOT NULL REFERENCES dialogues (id),
    conclusion_id     uuid REFERENCES conclusions (id),
    plan_id           uuid NOT NULL REFERENCES plans (id),
    -- The unit whose dialogue the task serves, and the unit of the assignee
    -- (the same or one below it).
    unit_id           uuid NOT NULL REFERENCES units (id),
    assignee_unit_id  uuid NOT NULL REFERENCES units (id),
    title             text NOT NULL,
    description       text NOT NULL DEFAULT '',
    assignee_agency   text NOT NULL,
    assignee_officer  text NOT NULL DEFAULT '',
    monitor           text NOT NULL DEFAULT '',
    status            text NOT NULL CHECK (status IN ('assigned', 'in_progress', 'submitted', 'done', 'cancelled')),
    overdue           boolean NOT NULL DEFAULT false,
    escalation_level  int NOT NULL DEFAULT 0,
    assigned_at       timestamptz NOT NULL,
    due_at            timestamptz NOT NULL,
    original_due_at   timestamptz NOT NULL,
    deadline_spec     jsonb NOT NULL DEFAULT '{}',
    extension         jsonb,
    result            jsonb,
    submitted_at      timestamptz,
    late              boolean NOT NULL DEFAULT false,
    returned_count    int NOT NULL DEFAULT 0,
    completed_at      timestamptz,
    cancel_reason     text NOT NULL DEFAULT '',
    version           int NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tasks_due_idx ON tasks (due_at) WHERE status NOT IN ('done', 'cancelled');
CREATE INDEX tasks_dialogue_idx ON tasks (dialogue_id);
CREATE INDEX tasks_assignee_unit_idx ON tasks (assignee_unit_id, due_at);
CREATE INDEX tasks_unit_idx ON tasks (unit_id, due_at);

-- One sequence orders alerts and notices for the live feed (SSE event ids).
CREATE SEQUENCE feed_seq;
ALTER TABLE alerts ADD COLUMN seq bigint NOT NULL DEFAULT nextval('feed_seq');
ALTER TABLE alerts ADD COLUMN recipient text NOT NULL DEFAULT '';
ALTER TABLE alerts ADD CONSTRAINT alerts_task_fk FOREIGN KEY (task_id) REFERENCES tasks (id);
CREATE UNIQUE INDEX alerts_seq_idx ON alerts (seq);
ALTER TABLE notifications ADD COLUMN seq bigint NOT NULL DEFAULT nextval('feed_seq');
ALTER TABLE notifications ADD COLUMN kind text NOT NULL DEFAULT 'notice';
ALTER TABLE notifications ADD COLUMN task_id uuid REFERENCES tasks (id);
CREATE UNIQUE INDEX notifications_seq_idx ON notifications (seq);
CREATE INDEX notifications_task_idx ON notifications (task_id);

-- Wake the API's feed listeners when something new is stored.
CREATE FUNCTION feed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('doithoai_feed', NEW.seq::text);
    RETURN NEW;
END;
$$;
CREATE TRIGGER alerts_feed_notify AFTER INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION feed_notify();
CREATE TRIGGER notifications_feed_notify AFTER INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION feed_notify();

-- Every attempt to deliver an alert or a notice on a channel.
CREATE TABLE deliveries (
    id           bigserial PRIMARY KEY,
    item_kind    text NOT NULL CHECK (item_kind IN ('alert', 'notification')),
    item_id      uuid NOT NULL,
    channel      text NOT NULL CHECK (channel IN ('webhook', 'email')),
    target       text NOT NULL,
    attempt      int  NOT NULL,
    ok           boolean NOT NULL,
    http_status  int,
    error        text NOT NULL DEFAULT '',
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deliveries_item_idx ON deliveries (item_kind, item_id, channel, target);
