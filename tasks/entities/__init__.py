"""Entities: typed, canonical, geocoded mentions with exact offsets into articles.text.

The package (docs/entities.md):
  stage.py      stage entry points: extract_entities, build_catalog; get_backend (the configured backend)
  backends.py   EntityBackend interface, RuleBackend, TransformersBackend, merge_mentions
  ner/          the CRF tagger and its backend (CrfBackend)
  mentions.py   rule mentions of one article as `entities` rows (extract_mentions)
  lexicon.py    gazetteer, word-class lexicon and closed word sets (akhbar/resources/)
  rules/        the rule groups (gazetteer, organisations, places, numbers, people, nationalities)
  link.py       article-level linking and geocoding
The modules (and those of ner/ and rules/) run compiled (Cython) when `make compile` built them from
this very source (akhbar/compiled.py); otherwise, or once edited, as Python: the same program either way.
"""

from akhbar.compiled import use_compiled

use_compiled(__name__, __path__[0])                  # before the submodules are imported

from tasks.entities.backends import MODEL_LABELS, EntityBackend, RuleBackend, TransformersBackend, merge_mentions  # noqa: E402
from tasks.entities.lexicon import Gazetteer, GazEntry, default_gazetteer, default_lexicon
from tasks.entities.mentions import (MENTION_COLUMNS, empty_entities, extract_mentions, rule_mentions,
                                     sentences_by_article)
from tasks.entities.rules import original_offset
from tasks.entities.stage import build_catalog, extract_entities, get_backend

__all__ = ["MENTION_COLUMNS", "MODEL_LABELS", "EntityBackend", "GazEntry", "Gazetteer", "RuleBackend",
           "TransformersBackend", "build_catalog", "default_gazetteer", "default_lexicon", "empty_entities",
           "extract_entities", "extract_mentions", "get_backend", "merge_mentions", "original_offset",
           "rule_mentions", "sentences_by_article"]
