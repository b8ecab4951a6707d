"""Interfaces: the `akhbar` command line and evaluation. They use everything below (flows, tasks, akhbar)."""
