"""Events: who did what to whom, where, when, and who says so (docs/events.md).

Rule-based, one sentence at a time, split by concern:
  lexicon      the ontology and cue lists (akhbar/resources/events/) compiled into indexes;
  words        the sentence model: words with cue-list bits, mentions, fillers;
  triggers     lexicon forms whose context holds, same-type neighbours merged; the mode;
  fillers      participants as spans (mentions, noun-phrase chunks, places);
  arguments    actor, target and places of a trigger from word order and case cues;
  attribution  who says so and through whom, carried between sentences;
  modality     denied > hypothetical > accused > future > reported > claimed > asserted;
  time         time expressions and quantities, resolved against the publication date;
  clustering   cross-article clusters;
  stage        the stage entry: `extract_events` over frames, `extract_sentence_events`.
Every span indexes articles.text; normalised forms are used for matching only.
The modules run compiled (Cython) when `make compile` built them from this very source
(akhbar/compiled.py); otherwise, or once edited, as Python: the same program either way.
"""

from akhbar.compiled import use_compiled

use_compiled(__name__, __path__[0])                  # before the submodules are imported

from tasks.events.clustering import cluster_events, cluster_rows  # noqa: E402
from tasks.events.stage import MENTION_FIELDS, extract_events, extract_sentence_events
from tasks.events.words import Carry, Filler, Sentence, Word, analyse, words_of

__all__ = ["MENTION_FIELDS", "Carry", "Filler", "Sentence", "Word", "analyse", "cluster_events", "cluster_rows",
           "extract_events", "extract_sentence_events", "words_of"]
