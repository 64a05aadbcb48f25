-- Sequential visits and soft windows: a request's roles may come one after another (sequence 1: in
-- the order listed, 2: either order of two), each start min..max delay minutes after the previous
-- one's; a window may be overrun by up to max_lateness_minutes (0: hard).  Each member of staff's
-- part of a visit starts start_offset_minutes after the visit's start (0 for a joint visit).
ALTER TABLE visit_request ADD COLUMN sequence integer NOT NULL DEFAULT 0 CHECK (sequence IN (0, 1, 2));
ALTER TABLE visit_request ADD COLUMN min_delay_minutes integer NOT NULL DEFAULT 0;
ALTER TABLE visit_request ADD COLUMN max_delay_minutes integer NOT NULL DEFAULT 0;
ALTER TABLE visit_request ADD COLUMN max_lateness_minutes integer NOT NULL DEFAULT 0;
ALTER TABLE visit_request ADD CONSTRAINT visit_request_delays_check
    CHECK (0 <= min_delay_minutes AND min_delay_minutes <= max_delay_minutes AND max_delay_minutes <= 1440);
ALTER TABLE visit_staff ADD COLUMN start_offset_minutes integer NOT NULL DEFAULT 0;
