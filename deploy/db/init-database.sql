-- Prepares the welfarehub database before any service role exists.  Run by a superuser, connected to
-- the welfarehub database.  Nobody but the schema owners may create anything anywhere.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
REVOKE ALL ON DATABASE welfarehub FROM PUBLIC;
