-- Citizens in the loop: a receipt for every opinion, the chain from an
-- opinion to the conclusions it led to, satisfaction ratings, the people's
-- inspection board's remarks, and a dialogue's public page.

-- Every survey answer has a receipt code (12 characters of an alphabet
-- without look-alikes, see internal/receipt). The service draws them in Go;
-- receipt_code() draws one in SQL from gen_random_uuid's random bytes (not
-- the version and variant bits), for rows stored before and for any insert
-- that does not name one.
CREATE FUNCTION receipt_code() RETURNS text LANGUAGE sql VOLATILE AS $$
    SELECT string_agg(substr('23456789ACDEFGHKMNPQRTUVXY', get_byte(b, i) % 26 + 1, 1), '' ORDER BY i)
    FROM (SELECT uuid_send(gen_random_uuid()) AS b) s,
         unnest(ARRAY[0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13]) AS i
$$;
ALTER TABLE survey_responses ADD COLUMN receipt text;
UPDATE survey_responses SET receipt = receipt_code();
ALTER TABLE survey_responses ALTER COLUMN receipt SET NOT NULL, ALTER COLUMN receipt SET DEFAULT receipt_code();
CREATE UNIQUE INDEX survey_responses_receipt_idx ON survey_responses (receipt);

-- Opinions raised from the floor get a receipt too (survey opinions are
-- followed through the answers they cover).
ALTER TABLE opinions ADD COLUMN receipt text;
CREATE UNIQUE INDEX opinions_receipt_idx ON opinions (receipt) WHERE receipt IS NOT NULL;

-- Which survey answers an opinion covers, and which conclusions it led to.
CREATE TABLE opinion_responses (
    opinion_id          uuid NOT NULL REFERENCES opinions (id),
    survey_response_id  uuid NOT NULL REFERENCES survey_responses (id),
    PRIMARY KEY (opinion_id, survey_response_id)
);
CREATE INDEX opinion_responses_response_idx ON opinion_responses (survey_response_id);

CREATE TABLE opinion_conclusions (
    opinion_id     uuid NOT NULL REFERENCES opinions (id),
    conclusion_id  uuid NOT NULL REFERENCES conclusions (id),
    PRIMARY KEY (opinion_id, conclusion_id)
);
CREATE INDEX opinion_conclusions_conclusion_idx ON opinion_conclusions (conclusion_id);
CREATE INDEX tasks_conclusion_idx ON tasks (conclusion_id) WHERE conclusion_id IS NOT NULL;

-- An opinion's outcome, the one rule for reports and public pages: the
-- tasks of the conclusions it led to decide it (all accepted, or still
-- running); without tasks, whether it was answered on the spot.
CREATE VIEW opinion_outcomes AS
SELECT o.id AS opinion_id, o.dialogue_id, o.field, o.source, o.answered_on_spot,
       coalesce(t.total, 0) AS tasks, coalesce(t.done, 0) AS tasks_done,
       CASE WHEN t.total > 0 AND t.open = 0 THEN 'result_accepted'
            WHEN t.total > 0 THEN 'led_to_task'
            WHEN o.answered_on_spot THEN 'answered_on_spot'
            ELSE 'open' END AS outcome
FROM opinions o
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE tk.status <> 'cancelled') AS total,
           count(*) FILTER (WHERE tk.status = 'done') AS done,
           count(*) FILTER (WHERE tk.status NOT IN ('done', 'cancelled')) AS open
    FROM opinion_conclusions oc JOIN tasks tk ON tk.conclusion_id = oc.conclusion_id
    WHERE oc.opinion_id = o.id) t ON true;

-- A receipt holder's satisfaction with the answer or result: once per
-- receipt.
CREATE TABLE ratings (
    receipt      text PRIMARY KEY,
    dialogue_id  uuid NOT NULL REFERENCES dialogues (id),
    unit_id      uuid NOT NULL REFERENCES units (id),
    field        text NOT NULL,
    satisfied    boolean NOT NULL,
    comment      text NOT NULL DEFAULT '',
    rated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_dialogue_idx ON ratings (dialogue_id);

-- Supervision remarks (kiến nghị) of a commune's people's inspection board
-- on a task.
CREATE TABLE remarks (
    id           uuid PRIMARY KEY,
    task_id      uuid NOT NULL REFERENCES tasks (id),
    dialogue_id  uuid NOT NULL REFERENCES dialogues (id),
    unit_id      uuid NOT NULL REFERENCES units (id),
    content      text NOT NULL,
    author       text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX remarks_task_idx ON remarks (task_id, created_at);
CREATE INDEX remarks_dialogue_idx ON remarks (dialogue_id);

-- A dialogue the planner made public: its page's code (not its id).
ALTER TABLE dialogues ADD COLUMN public_code text, ADD COLUMN published_at timestamptz;
CREATE UNIQUE INDEX dialogues_public_code_idx ON dialogues (public_code) WHERE public_code IS NOT NULL;
