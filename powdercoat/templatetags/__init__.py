"""Template tags of the shop domain."""
