"""practitioners domain."""
