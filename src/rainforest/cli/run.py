"""`rainforest run`."""
