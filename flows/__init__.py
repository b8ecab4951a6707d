"""Prefect flows and the `akhbar` command line."""
