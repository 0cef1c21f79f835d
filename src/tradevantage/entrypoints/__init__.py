"""Entry points: the HTTP API and the command line, both over the same container."""
