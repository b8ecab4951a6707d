from tasks.entities import extract_mentions
from tasks.events import extract_sentence_events
from tasks.segment import split_sentences


def events(text):
    sents = list(enumerate(split_sentences(text)))
    out = []
    for i, (a, b) in sents:
        ms = [m for m in extract_mentions("a1", text, [(i, a, b)], "r")]
        out += extract_sentence_events("a1", text, i, a, b, ms, "r")
    return out


def test_escape_with_actor_and_place():
    text = "وقال مسؤول إن أبو بكر البغدادي غادر الموصل."
    evs = events(text)
    assert [e["event_type"] for e in evs] == ["ESCAPE"]
    e = evs[0]
    assert text[e["trigger_start"]:e["trigger_end"]] == "غادر"
    assert e["actor_entity_ids"] == ["per_abu_bakr_al_baghdadi"]
    assert e["location_entity_id"] == "loc_mosul"


def test_reported_modality():
    evs = events("أنباء عن هروب قادة داعش من الرقة.")
    assert evs and evs[0]["modality"] == "reported"
