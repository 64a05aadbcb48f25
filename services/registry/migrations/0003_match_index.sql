-- Matching reads the resources with capacity left of the household's dong and of its hub's sphere
-- (registry_candidates_near) before, and mostly instead of, the whole district: by dong and domain
-- here, the sphere's dongs through dong_hub.  The index by domain alone goes: the planner preferred
-- it (reading every resource of the domains in the district) whenever the table's statistics were
-- young, and the district-wide read it served, now a rare fallback, reads most of the table anyway.
DROP INDEX resource_domain_open;
CREATE INDEX resource_dong_domain_open ON resource (dong_code, domain) WHERE remaining > 0;
