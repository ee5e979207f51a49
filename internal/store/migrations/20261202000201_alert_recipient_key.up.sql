-- The rung's recipient that raised an overdue alert (assignee, monitor,
-- mttq, parent_mttq, parent_party_committee), so a reader need not guess it
-- from the unit and role; for other alerts, their role. Older rows are
-- filled from what they hold: the key is the last part of their dedup key.
ALTER TABLE alerts ADD COLUMN recipient_key text NOT NULL DEFAULT '';
UPDATE alerts SET recipient_key = regexp_replace(dedup_key, '^.*/', '') WHERE recipient_key = '';
