-- Run once by the postgres image's entrypoint, on the first start with an
-- empty data volume (/docker-entrypoint-initdb.d), as POSTGRES_USER.
--
-- POSTGRES_DB (doithoai) is created by the image itself and holds the
-- application's records. Temporal persists into its own two databases.
-- temporalio/auto-setup would create them too (CREATE DATABASE is idempotent
-- in temporal-sql-tool), but creating them here keeps the layout explicit
-- and lets Temporal run with SKIP_DB_CREATE=true if desired.
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
