from tasks.entities import extract_mentions
from akhbar.text.sentences import split_sentences


def mentions(text):
    sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
    return extract_mentions("a1", text, sents, "r")


def test_clitic_and_canonical():
    text = "وصلت القوات إلى الموصل. وانسحب داعش من بالموصل وللموصل."
    ms = mentions(text)
    for m in ms:
        assert text[m["start"]:m["end"]] == m["surface"]
    mosul = [m for m in ms if m["entity_id"] == "loc_mosul"]
    assert len(mosul) == 3
    assert [m["surface"] for m in ms if m["entity_id"] == "org_isis"] == ["داعش"]


def test_longest_match_and_aliases():
    text = "أعلن تنظيم الدولة الإسلامية أن أبوبكر البغدادي حي، وقال أبو بكر البغدادي."
    ms = mentions(text)
    ids = [m["entity_id"] for m in ms]
    assert ids.count("org_isis") == 1
    assert ids.count("per_abu_bakr_al_baghdadi") == 2
    assert {m["canonical_name"] for m in ms if m["type"] == "PERSON"} == {"أبو بكر البغدادي"}
