DROP TABLE IF EXISTS undelivered;
