"""Adapters: implementations of the domain's ports (database, hashing, tokens, clock)."""
