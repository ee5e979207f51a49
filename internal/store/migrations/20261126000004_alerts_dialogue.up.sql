-- GET /alerts?dialogue_id=… filters on it. (The live feed's order comes
-- from the feed lock its writers take, see internal/store/feed.go.)
CREATE INDEX alerts_dialogue_idx ON alerts (dialogue_id);
