"""Trades: what EAs report from the terminals, and the figures the dashboard shows."""
