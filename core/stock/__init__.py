"""Stock: the ledger (every quantity change a movement), units and lots, the stock inquiry."""
