"""The served-time record's pure part: who served each day as lived, what a roster edit
would rewrite, and the per-person totals of `ledger` and `report`."""
