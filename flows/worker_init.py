"""Imported once by the worker pool's forkserver (flows/workers.py).

Loads the partition stages and their lexicons there, so every worker forked from it starts
with the code and data in memory instead of loading them inside its first task."""

from akhbar.contracts import SCHEMAS, empty_frame
from akhbar.geo import default_index
from akhbar.text.lexicon import lexicon, place_names
from flows import graph, steps  # noqa: F401  (the stage code the workers run)
from tasks import segment
from tasks.entities.lexicon import default_gazetteer, default_lexicon
from tasks.events.lexicon import cues, ontology, trigger_index

for load in (default_gazetteer, default_lexicon, ontology, trigger_index, cues, default_index,
             lexicon, place_names, segment.word_ranks):
    load()
for table in SCHEMAS:
    empty_frame(table)          # the first Arrow -> polars conversion loads its machinery (~0.3 s)
