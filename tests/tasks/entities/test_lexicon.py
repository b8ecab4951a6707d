"""tasks/entities/lexicon.py: the gazetteer index, the word-class lexicon and the closed word sets."""

from akhbar.resources import read_word_sets
from akhbar.text.normalise import normalize
from tasks.entities.lexicon import (AMBIGUOUS_NUMBER_WORDS, WORDS, Gazetteer, default_gazetteer,
                                    default_lexicon, frequent_words, word_map, word_set)


def test_gazetteer_lookup_with_article_and_clitics():
    gaz = default_gazetteer()
    assert gaz.lookup(("الموصل",)).entity_id == "loc_mosul"
    assert gaz.lookup(("موصل",)).entity_id == "loc_mosul"            # the article may be missing
    assert gaz.lookup(("داعش",), ("LOC",)) is None                   # type filter
    assert gaz.country_of("IQ").entity_id == "loc_iraq"


def test_a_key_that_only_drops_the_article_is_not_the_name():
    gaz = Gazetteer([("سورية|سوريا", "LOC", "loc_syria", "country", "SY", "")])
    assert gaz.start_keys_of(["سوريه"]) == [("سوريه",)]
    assert "سوريه" not in (gaz.start_keys_of(["السوريه"])[0] or ())


def test_glued_multiword_names_and_cue_only_entries():
    gaz = Gazetteer([("الولايات المتحدة", "LOC", "loc_usa", "country", "US", ""),
                     ("الباب", "LOC", "loc_al_bab", "city", "SY", "cue")])
    assert (normalize("الولاياتالمتحدة"),) in gaz.bare
    assert ("الباب",) in gaz.all and ("الباب",) not in gaz.bare


def test_lexicon_classes_and_derived_nisba_forms():
    lex = default_lexicon()
    key, cls = lex.lookup(normalize("والرئيس"))
    assert key == normalize("الرئيس") and "TITLE" in cls
    for form in ("عراقي", "العراقية", "عراقيون", "العراقيين", "عراقيا"):
        assert lex.lookup(normalize(form))[1].get("NORP") == "iraqi", form
    assert "NORP" not in (lex.lookup(normalize("سوريا")) or ("", {}))[1]      # accusative spelling a place
    assert normalize("على") in lex.maqsura_stops


def test_word_sets_come_from_one_resource():
    sets = read_word_sets(WORDS)
    assert {"APPROX", "COMPASS", "ANAPHOR_KIND", "SURNAME_LINKER"} <= set(sets)
    assert normalize("حوالي") in word_set("APPROX")
    assert word_map("ANAPHOR_KIND")["وكالة"] == "media"
    assert normalize("أحد") in AMBIGUOUS_NUMBER_WORDS
    assert normalize("أحد") not in default_lexicon().classes or "NUMWORD" not in default_lexicon().classes[normalize("أحد")]


def test_frequent_words_ranked_prefix():
    top = frequent_words(100)
    assert 0 < len(top) <= 100 and top <= frequent_words(10_000) <= frequent_words(None)   # normalising merges a few


def test_gazetteer_indexes_both_spellings_of_abd_names():
    from tasks.entities.lexicon import abd_variants, default_gazetteer, name_tokens
    assert abd_variants(name_tokens("سلمان بن عبدالعزيز")) == [name_tokens("سلمان بن عبد العزيز")]
    assert abd_variants(name_tokens("عبد الله الثاني")) == [name_tokens("عبدالله الثاني")]
    assert abd_variants(name_tokens("حيدر العبادي")) == []
    gaz = default_gazetteer()
    assert gaz.lookup(name_tokens("سلمان بن عبد العزيز آل سعود"), ("PERSON",)).entity_id == "per_king_salman"
