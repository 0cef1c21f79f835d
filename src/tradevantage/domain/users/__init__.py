"""Accounts: who may use the service, how they prove it, and the tokens they hold."""
