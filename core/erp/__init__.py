"""The ERP edge: SYSPRO's files in (imports) and the postings out (WIPTMI documents)."""
