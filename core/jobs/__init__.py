"""Jobs: release, the pick list and picking, returns, completion, assignment and the job board."""
