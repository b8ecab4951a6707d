"""tasks/entities/rules/core.py: the token stream of one article, its predicates and span bookkeeping."""

from akhbar.config import EntitiesConfig
from tasks.entities.lexicon import default_gazetteer, default_lexicon, frequent_words
from tasks.entities.rules import ArticleRules


def rules(text, cfg=None):
    return ArticleRules(text, [(0, 0, len(text))], default_gazetteer(), default_lexicon(), cfg=cfg)


def test_tokens_sentences_and_predicates():
    r = rules("وصل الرئيس إلى بالموصل.")
    assert r.raw == ["وصل", "الرئيس", "إلى", "بالموصل", "."]
    assert r.sent == [0] * 5 and r.has(1, "TITLE") and r.prep_prefixed(3) and not r.is_word(4)
    assert [i for i, _, _ in r.having("TITLE")] == [1]


def test_add_and_drop_claim_tokens():
    r = rules("قرية الباغوز")
    m = r.add(1, 2, "LOC", "loc_x", "الباغوز", 0.9, "test")
    assert r.taken[1] is m and r.surface(m) == "الباغوز" and not r.nameable(1)
    r.drop(m)
    assert m.dead and r.taken[1] is None


def test_config_is_used():
    cfg = EntitiesConfig(frequent_words=100)
    r = rules("قال", cfg)
    assert r.cfg is cfg and r.frequent == frequent_words(100)
    assert rules("قال").frequent == frequent_words(EntitiesConfig().frequent_words)
