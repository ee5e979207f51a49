-- The two-level map (since 1 July 2025): a national root above the provinces,
-- the official kind of every unit, and mergers of units with their history.

-- Levels: 'national' (Trung ương, the one root), 'province', 'district'
-- (kept for the records of the three-level map), 'commune'.
ALTER TABLE units DROP CONSTRAINT IF EXISTS units_level_check;
ALTER TABLE units ADD CONSTRAINT units_level_check
    CHECK (level IN ('national', 'province', 'district', 'commune'));

-- The unit's official kind, checked per level ('' for rows from before the
-- kinds, at any level). The labels live in internal/unitmap.
ALTER TABLE units ADD COLUMN kind text NOT NULL DEFAULT '';
ALTER TABLE units ADD CONSTRAINT units_kind_check CHECK (
    kind = ''
    OR (level = 'province' AND kind IN ('tinh', 'thanh_pho'))
    OR (level = 'district' AND kind IN ('huyen', 'quan', 'thi_xa', 'thanh_pho'))
    OR (level = 'commune' AND kind IN ('xa', 'phuong', 'dac_khu', 'thi_tran'))
);

-- A merged unit takes no new plans; successor_id names the unit its records
-- now live under, merged_at when (the merger's effective date). Both or none.
ALTER TABLE units ADD COLUMN successor_id uuid REFERENCES units (id);
ALTER TABLE units ADD COLUMN merged_at timestamptz;
ALTER TABLE units ADD CONSTRAINT units_merged_check
    CHECK ((successor_id IS NULL) = (merged_at IS NULL) AND successor_id IS DISTINCT FROM id);
CREATE INDEX units_successor_idx ON units (successor_id) WHERE successor_id IS NOT NULL;

-- A merger: several units become one successor on a date, by a resolution
-- (e.g. '1666/NQ-UBTVQH15').
CREATE TABLE unit_mergers (
    id            uuid PRIMARY KEY,
    successor_id  uuid NOT NULL REFERENCES units (id),
    effective_at  timestamptz NOT NULL,
    reference     text NOT NULL DEFAULT '',
    created_by    text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_mergers_successor_idx ON unit_mergers (successor_id);

-- The units a merger merged; a unit merges once.
CREATE TABLE unit_merger_sources (
    merger_id  uuid NOT NULL REFERENCES unit_mergers (id) ON DELETE CASCADE,
    unit_id    uuid NOT NULL UNIQUE REFERENCES units (id),
    PRIMARY KEY (merger_id, unit_id)
);
