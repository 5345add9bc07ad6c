"""The ``ferronet`` command line: thin wrappers over the public API."""
