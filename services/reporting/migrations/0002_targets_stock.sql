-- "Number of targets" becomes a stock: the targets columns now hold the net change of the number of
-- persons enrolled in any programme on that day (intake's TargetsChanged steps), and the index is
-- their sum up to the period's end.  What they held before (persons added to identified households,
-- a flow) means something else, so it is cleared; the stock is rebuilt from TargetsChanged.
UPDATE kpi_daily SET targets = 0 WHERE targets <> 0;
UPDATE kpi_monthly SET targets = 0 WHERE targets <> 0;
