"""The ERP edge: SYSPRO's files in (imports), the postings out (WIPTMI documents), and the demo site loaded
from such files."""
