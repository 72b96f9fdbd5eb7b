"""The database: connection and transactions, the models, schema versions, change notices, counters."""
