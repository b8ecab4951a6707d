"""The incidents stage: one row per real-world happening, from the clustered events."""

from tasks.incidents.build import build_incidents, build_incidents_isolated, evidence_events

__all__ = ["build_incidents", "build_incidents_isolated", "evidence_events"]
