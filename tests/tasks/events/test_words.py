"""tasks.events.words: the sentence model (mentions placed on words)."""

from tasks.events.words import analyse, words_of


def _mention(text, surface, typ="PERSON", eid="e1", nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(surface, start + 1)
    return {"start": start, "end": start + len(surface), "surface": surface, "type": typ, "entity_id": eid}


def test_mentions_inside_words_and_overlaps_are_placed_as_by_offset():
    # 'وبغداد': the mention starts after the clitic, inside the word; 'الموصل' ends a word;
    # two mentions at one start: the longer wins whatever the input order
    text = "غادر البغدادي وبغداد نحو مدينة الموصل القديمة."
    long_, short = _mention(text, "مدينة الموصل", "LOC", "e3"), _mention(text, "مدينة", "LOC", "e4")
    ms = [_mention(text, "بغداد", "LOC", "e2", nth=1), short, _mention(text, "البغدادي"), long_]
    sent = analyse(text, 0, len(text), ms)
    words = [text[w.start:w.end] for w in sent.words]
    assert sent.mention_at[words.index("وبغداد")]["entity_id"] == "e2"
    k = words.index("مدينة")
    assert sent.mention_at[k]["entity_id"] == "e3" and sent.mention_end[k] == words.index("الموصل")
    assert sent.owner[words.index("الموصل")] == k and words.index("القديمة") not in sent.covered


def test_presorted_mentions_give_the_same_sentence_model():
    text = "قال مسؤول في وزارة الدفاع إن القوات العراقية استعادت مدينة الرمادي من تنظيم داعش."
    ms = [_mention(text, s, t, s) for s, t in (("تنظيم داعش", "ORG"), ("الرمادي", "LOC"), ("وزارة الدفاع", "ORG"),
                                              ("وزارة", "ORG"), ("العراقية", "NORP"))]
    ordered = sorted(ms, key=lambda m: (m["start"], -m["end"]))
    a = analyse(text, 0, len(text), ms)
    b = analyse(text, 0, len(text), ordered, presorted=True)
    assert a.mention_at == b.mention_at and a.mention_end == b.mention_end and a.owner == b.owner
    assert a.cflags == b.cflags and a.bits == b.bits
    words, _ = words_of(text, 0, len(text))
    assert [w.start for w in words] == [w.start for w in a.words]
