"""The domain: entities, rules, services and the ports they need. Plain Python, no framework."""
