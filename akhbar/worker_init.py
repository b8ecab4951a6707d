"""Imported once by the worker pool's forkserver (akhbar/workers.py).

Loads the partition stages and their lexicons there, so every worker forked from it starts
with the code and data in memory instead of loading them inside its first task."""

from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.geo import default_index
from tasks import entities, events, segment  # noqa: F401  (the stage code itself)
from tasks.entities.lexicon import default_gazetteer, default_lexicon
from tasks.event_lexicon import cues, ontology, trigger_index

for load in (default_gazetteer, default_lexicon, ontology, trigger_index, cues, default_index,
             segment.lexicon, segment.place_names, segment.word_ranks):
    load()
for table in SCHEMAS:
    empty_frame(table)          # the first Arrow -> polars conversion loads its machinery (~0.3 s)
