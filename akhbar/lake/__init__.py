"""The lake: versioned Delta tables under OUTPUT/lake/ and the `runs` table naming each snapshot.

    from akhbar.lake import read_table, read_snapshot
    events = read_table("data", "events")               # latest published snapshot
    tables = read_snapshot("data", ["articles", "events"])  # several tables, one consistent snapshot

tables.py reads (snapshots, resolution, time travel), write.py writes (used by tasks/publish.py),
ops.py diffs, exports and vacuums, lock.py is the single-writer lock.
"""

from akhbar.lake.lock import LockError, single_writer, writer_lock
from akhbar.lake.ops import EXPORT_FORMATS, diff_snapshots, diff_tables, export_table, vacuum
from akhbar.lake.tables import (SchemaChangeError, SnapshotError, is_table, latest_snapshot, read_latest,
                                read_runs, read_snapshot, read_table, resolve_run, run_map, snapshots, table_path,
                                table_version)

__all__ = ["EXPORT_FORMATS", "LockError", "SchemaChangeError", "SnapshotError", "diff_snapshots", "diff_tables",
           "export_table", "is_table", "latest_snapshot", "read_latest", "read_runs", "read_snapshot", "read_table", "resolve_run", "run_map",
           "single_writer", "snapshots", "table_path", "table_version", "vacuum", "writer_lock"]
