"""Subscriptions: which trader may run which Expert Advisor, until when."""
