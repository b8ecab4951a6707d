"""Rules of the quality pass (Dec 2026), each on sentences written for this test, none taken from
the held-out batches of tests/test_events_unseen.py (a rule must fire on a class of sentences)."""

import pytest

from tests.test_events import events

# (sentence, event type, column, expected value): modality and attribution
MODALITY = [
    # 'حسبما أعلن X' is 'بحسب ما أعلن X' written as one word
    ("قتل جنديان في كمين بمحافظة حجة، حسبما أعلن مصدر عسكري.", "CASUALTIES", "modality", "claimed"),
    ("اعتقلت الشرطة عشرة محتجين، بحسبما أفادت منظمة حقوقية.", "COERCE", "modality", "claimed"),
    # 'وفق بيان للجيش', 'بحسب بيان صادر عن الوزارة': the issuer of the statement is the source
    ("قتل ثلاثة مسلحين في اشتباك مع الشرطة، وفق بيان للداخلية.", "CASUALTIES", "modality", "claimed"),
    ("دمرت المدفعية مخزنا للذخيرة، بحسب بيان صادر عن قيادة العمليات.", "ASSAULT", "modality", "claimed"),
    # a denial verb does not reach past a second statement ('..., مؤكدا أن ...')
    ("نفى الجيش أن يكون قد قصف المستشفى، مؤكدا أن الغارة استهدفت مخزن أسلحة.", "ASSAULT", "modality", "denied"),
    ("نفت الحركة مسؤوليتها عن الهجوم، معلنة أنها اعتقلت المنفذين.", "COERCE", "modality", "claimed"),
]


@pytest.mark.parametrize("text,etype,column,expected", MODALITY)
def test_modality_and_attribution_rules(text, etype, column, expected):
    evs = [e for e in events(text) if e["event_type"] == etype]
    assert evs, etype
    values = [e[column] for e in evs]
    assert expected in values, values


def test_denial_scope_ends_at_a_new_statement():
    text = "نفى الجيش أن يكون قد قصف المستشفى، مؤكدا أن الغارة استهدفت مخزن أسلحة."
    mods = [e["modality"] for e in events(text) if e["event_type"] == "ASSAULT"]
    assert mods == ["denied", "claimed"], mods
