"""Lot traceability: genealogy forward and backward, where a lot is now, holds and recall reports."""
