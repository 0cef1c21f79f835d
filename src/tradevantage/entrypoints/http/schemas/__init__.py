"""Request and response shapes of the API."""
