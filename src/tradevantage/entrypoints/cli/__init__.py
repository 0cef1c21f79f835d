"""The `tradevantage` command line."""
