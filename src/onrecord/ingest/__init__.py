"""Ingest: bytes from files, folders and stdin to raw documents (text plus what the source says)."""
