DROP FUNCTION IF EXISTS unit_today(uuid);
