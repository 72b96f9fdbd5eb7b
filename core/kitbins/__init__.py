"""Kit bins: floor bins of kit-issued parts, levels against min and max, fill tasks, counts, the board."""
