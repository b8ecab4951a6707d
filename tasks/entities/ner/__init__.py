"""The trained NER tagger (CRF, python-crfsuite) for PERSON / ORG / LOC (docs/entities.md, model card).

  conll.py     CoNLL reading, BIO chunks, conlleval-style scores, the dev split
  features.py  token features (Arabic forms, clitics, affixes, shape, window, word lists)
  lists.py     builds the derived name lists (akhbar/resources/entities/ner_lists.tsv)
  model.py     the committed model: loaded once, tags documents (batched), char-exact mentions
  scorer.py    the models scored in numpy (per-word score rows; the same labels as crfsuite)
  train.py     deterministic training + model card (`akhbar train ner`)
The modules run compiled when `make compile` built them from this very source (akhbar/compiled.py).
"""

from akhbar.compiled import use_compiled

use_compiled(__name__, __path__[0])
