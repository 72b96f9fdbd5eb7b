"""The site: users, roles and permissions, the audit trail, stations, resume points."""
