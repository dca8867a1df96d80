"""Database migrations of the shop domain."""
