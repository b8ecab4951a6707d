"""tasks/entities/mentions.py: rule mentions of one article as `entities` rows (exact offsets, clitics)."""

from hypothesis import given, settings
from hypothesis import strategies as st


def by_surface(ms, surface):
    return [m for m in ms if m["surface"] == surface]


def test_clitic_and_canonical(mentions):
    text = "وصلت القوات إلى الموصل. وانسحب داعش من بالموصل وللموصل."
    ms = mentions(text)
    for m in ms:
        assert text[m["start"]:m["end"]] == m["surface"]
    mosul = [m for m in ms if m["entity_id"] == "loc_mosul"]
    assert len(mosul) == 3
    assert [m["surface"] for m in ms if m["entity_id"] == "org_isis"] == ["داعش"]


def test_longest_match_and_aliases(mentions):
    text = "أعلن تنظيم الدولة الإسلامية أن أبوبكر البغدادي حي، وقال أبو بكر البغدادي."
    ms = mentions(text)
    ids = [m["entity_id"] for m in ms]
    assert ids.count("org_isis") == 1
    assert ids.count("per_abu_bakr_al_baghdadi") == 2
    assert {m["canonical_name"] for m in ms if m["type"] == "PERSON"} == {"أبو بكر البغدادي"}


def test_glued_and_clitic_spans(mentions):
    ms = mentions("وتنشر الولاياتالمتحدة جنودا للموصل وللتنظيم المتطرف عناصر في الموصل، وقال تنظيم داعش إن التنظيم باق.")
    assert by_surface(ms, "الولاياتالمتحدة")[0]["entity_id"] == "loc_usa"
    assert by_surface(ms, "لموصل")[0]["entity_id"] == "loc_mosul"      # لل: the article's lam stays


WORDS = ["قال", "الرئيس", "محمد", "الموصل", "للموصل", "والرقة", "تنظيم", "«داعش»", "قرية", "الباغوز", "أمس", "،",
         "15", "الف", "مقاتل", "التنظيم", "واشنطن", "العراقية", "وزارة", "الدفاع", "الأمريكية", "البغدادي", "ناحية",
         "أبو", "بكر", "حي", "الثورة", ".", "\u0651", "ـ", "عبد", "الرحمن", "المتحدث", "باسم", "في", "٢٠١٧", "%"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), st.sampled_from([" ", "  ", "\n", "\u00a0"]))
def test_offsets_are_exact_and_spans_disjoint(mentions, words, sep):
    text = sep.join(words)
    ms = mentions(text)
    last_end = -1
    for m in sorted(ms, key=lambda m: m["start"]):
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert m["start"] >= last_end
        last_end = m["end"]


def test_shared_tokens_give_the_same_rule_mentions():
    """rule_mentions with the article's sentence_tokens (tokenized once for the rules, the tagger and
    the speaker slots) equals rule_mentions tokenizing itself; with a glued-word split too (text
    written for this test)."""
    from tasks.entities.mentions import rule_mentions, sentence_tokens
    text = "قال الوزير أحمد الخطيب إن القوات دخلت مدينة حمص. وأعلنت وزارةالدفاع مقتل 3 عناصر يوم الأحد."
    first_end = text.index(".") + 1
    sentences = [(0, 0, first_end), (1, first_end + 1, len(text))]
    splits = [text.index("الدفاع")]
    for cut in (None, splits):
        tokens = sentence_tokens(text, sentences, cut)
        assert [len(sp) for sp in tokens[0]] == [len(ts) for ts in tokens[1]]
        assert rule_mentions("a", text, sentences, splits=cut, tokens=tokens) == rule_mentions("a", text, sentences,
                                                                                             splits=cut)
