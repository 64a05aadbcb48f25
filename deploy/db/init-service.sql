-- Creates (or updates) one service's login role and the schema it owns.  Run by a superuser with psql:
--
--   psql -v role=wh_intake -v schema=intake -v password=… -f deploy/db/init-service.sql
--
-- Values arrive as psql variables, quoted by psql (:'x' as a literal, :"x" as an identifier), never
-- pasted into the SQL text.  The role owns its schema and is granted nothing else, so a service can read
-- and write only its own tables.  Safe to run again: it only brings the role's password up to date.
\set ON_ERROR_STOP on
SET client_min_messages = warning;

SELECT format('CREATE ROLE %I LOGIN NOINHERIT', :'role')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \gexec

ALTER ROLE :"role" WITH LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"role";
ALTER ROLE :"role" SET search_path = :"schema";
GRANT CONNECT ON DATABASE welfarehub TO :"role";
