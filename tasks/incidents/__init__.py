"""The incidents stage: one row per real-world happening, from the clustered events."""

from tasks.incidents.build import build_incidents, evidence_events, incidents_of_parts

__all__ = ["build_incidents", "evidence_events", "incidents_of_parts"]
