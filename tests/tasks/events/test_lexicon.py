"""tasks.events.lexicon: generated morphology, clitic-aware lookup, the ontology file."""

import pytest

from tasks.events.lexicon import lookup, noun_forms, trigger_index, verb_forms


def test_verb_forms_cover_person_tense_and_future():
    forms = verb_forms("انسحب", "ينسحب")
    for f in ("انسحب", "انسحبت", "انسحبوا", "ينسحب", "تنسحب", "ينسحبون", "نسحب"[:0] + "ننسحب"):
        assert f in forms and forms[f] is False
    assert forms["سينسحب"] is True and forms["ستنسحبون"] is True
    assert "دعت" in verb_forms("دعا", "يدعو") and "سيدعو" in verb_forms("دعا", "يدعو")


def test_noun_forms_plural_and_dual():
    assert {"غاره", "غارات", "غارتين"} <= set(noun_forms("غارة"))
    assert "اعتقالات" in noun_forms("اعتقال")


@pytest.mark.parametrize("token,etype", [
    ("وسيغادر", "ESCAPE"), ("لتحريرها", "CONTROL_CHANGE"), ("بالهروب", "ESCAPE"), ("للهجوم", "ASSAULT"),
    ("قتلوهم", "CASUALTIES"), ("والاشتباكات", "ASSAULT"), ("ستتظاهر", "PROTEST"), ("واعتقلت", "COERCE"),
])
def test_lookup_strips_clitics_and_pronouns(token, etype):
    from akhbar.text.normalise import normalize
    hit = lookup(normalize(token))
    assert hit is not None and hit[1][0].type == etype


def test_ontology_types_are_documented():
    from tasks.events.lexicon import ontology
    onto = ontology()
    for name, spec in onto["types"].items():
        assert spec["definition"] and spec["arguments"], name
    assert {t.type for ts in trigger_index().values() for t in ts} <= set(onto["types"])
