"""Pipeline stages: one module per stage, pure functions over polars frames plus a thin @task wrapper."""
