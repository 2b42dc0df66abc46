"""Storage: the Store interface and its backends (SQLite by default)."""
