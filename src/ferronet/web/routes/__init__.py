"""The app's routers: thin adapters from HTTP to the public API."""
