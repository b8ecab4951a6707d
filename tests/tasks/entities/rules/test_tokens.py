"""tasks/entities/rules/tokens.py: per-token facts and offsets back into the written text."""

from tasks.entities.lexicon import default_lexicon
from tasks.entities.rules.tokens import class_bits, original_offset, token_facts, word_offset


def test_token_facts_of_clitics_and_article():
    lex = default_lexicon()
    f = token_facts("بالموصل", lex)
    assert f.prep and f.definite and f.base == "الموصل" and not f.name_ok
    f = token_facts("والرئيس", lex)
    assert f.conj and "TITLE" in f.kinds and not f.name_ok
    f = token_facts("علي", lex)
    assert "STOP" not in f.kinds and f.name_ok        # the name, not the preposition على
    assert "STOP" in token_facts("على", lex).kinds


def test_date_and_quantity_starts():
    lex = default_lexicon()
    assert token_facts("2014", lex).date_ok and token_facts("15", lex).quantity_ok
    assert token_facts("هذا", lex).date_ok
    assert not token_facts("قرية", lex).quantity_ok


def test_class_bits_are_stable():
    assert class_bits(["STOP"]) == class_bits(["STOP"]) and class_bits(["STOP", "NOUN"]) & class_bits(["NOUN"])


def test_offsets_keep_the_article_and_one_lam_of_lil():
    assert "والموصل"[word_offset("والموصل", "والموصل", "الموصل"):] == "الموصل"
    assert "للموصل"[word_offset("للموصل", "للموصل", "الموصل"):] == "لموصل"
    assert original_offset("أَحمد", 2) == 3            # the fatha is dropped by normalisation
