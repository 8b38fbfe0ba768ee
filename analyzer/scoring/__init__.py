"""Batch scoring of chat exports and reply rows (the engine behind ``reply-analyzer score``)."""
