-- A household's closed cases, latest first: opening a case (its previous_case_id) and identifying a
-- household (does it have a closed case only?) look them up for every HouseholdIdentified, and
-- without this index each lookup read the whole cases table (cases_household_open holds open cases
-- only), so applying intake's stream slowed down as cases accumulated.
CREATE INDEX cases_household_closed ON cases (household_id, closed_on DESC, id DESC) WHERE status = 'closed';
-- A hub's assigned open cases: an assignment pass looks for those whose worker left, and without
-- this index read every case of the district for it (cases_hub holds closed cases too and the
-- planner chose a scan of the table).
CREATE INDEX cases_hub_assigned ON cases (hub_dong_code, staff_id) WHERE status = 'open' AND staff_id IS NOT NULL;
