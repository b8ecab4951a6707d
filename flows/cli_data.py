"""Consumer and operator commands over published snapshots (diff, export, vacuum, schema).

Registered on the main `akhbar` app (imported at the end of flows/cli.py).
"""

from __future__ import annotations

from flows.cli import app, console  # noqa: F401
