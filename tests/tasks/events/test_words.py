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


def test_shape_bits_agree_with_the_functions_they_stand_for():
    """DEFINITE_BIT, TANWEEN_BIT and PROCLITIC_* (read by the hot scans) say what `_definite`,
    `_tanween` and `proclitic` say, on every word of the seed articles and a few written forms."""
    from pathlib import Path

    from akhbar.text.tokens import TOKEN
    from tasks.events.words import (DEFINITE_BIT, PROCLITIC_B, PROCLITIC_K, PROCLITIC_L, TANWEEN_BIT, _definite,
                                    _tanween, proclitic)
    seeds = Path(__file__).resolve().parents[3] / "seeds"
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    text += " والقوات فللمدينة بالمدفعية كالعادة لبحث جنديا عمالا ا وا لل"
    words, _ = words_of(text, 0, len(text), TOKEN.findall(text))
    assert len(words) > 1000
    letter = {PROCLITIC_B: "ب", PROCLITIC_L: "ل", PROCLITIC_K: "ك"}
    for w in words:
        assert bool(w.flags & DEFINITE_BIT) == _definite(w), w.norm
        assert bool(w.flags & TANWEEN_BIT) == _tanween(w), w.norm
        assert "".join(v for b, v in letter.items() if w.flags & b) == proclitic(w.norm), w.norm


def test_bit_layout_gives_every_list_and_shape_one_position_below_the_rare_ones():
    """Every cue list, verb list, head list and word-shape flag has its own bit; the common ones lie
    below position 30, so most words' flags are one-digit ints (the fast path of `&`, `|`)."""
    from tasks.events import words as W
    shapes = [W.TRIGGER_BIT, W.PHRASE_BIT, W.NUMBER_BIT, W.AGENT_END_BIT, W.RESUMPTIVE_BIT, W.LAM_BIT,
              W.TIME_START_BIT, W.THREAT_BIT, W.DEFINITE_BIT, W.TANWEEN_BIT, W.PROCLITIC_B, W.PROCLITIC_L,
              W.PROCLITIC_K]
    values = list(W.BIT.values()) + shapes
    assert len(set(values)) == len(values) == len(W._BIT_ORDER) == len(set(W._BIT_ORDER))
    assert all(v > 0 and v & (v - 1) == 0 for v in values)          # one bit each
    common = (W.DEFINITE_BIT | W.TRIGGER_BIT | W.TANWEEN_BIT | W.PROCLITIC_BITS | W.BIT["chunk_stops"]
              | W.BIT["head_person"] | W.BIT["speech_verbs"] | W.BIT["complementizers"])
    assert common < 1 << 30


def test_quote_depth_counts_both_quote_styles():
    from tasks.events.attribution import _in_quote
    from tasks.events.words import CLOSE_QUOTES, OPEN_QUOTES

    assert (OPEN_QUOTES, CLOSE_QUOTES) == ("«“", "»”")   # _in_quote counts these four marks by name
    text = "قال المتحدث «إن القوات “ستنسحب” من المدينة» ثم غادر"
    sent = analyse(text, 0, len(text), [])
    idx = {text[w.start:w.end]: k for k, w in enumerate(sent.words)}
    assert _in_quote(sent, idx["القوات"]) and _in_quote(sent, idx["المدينة"]) and not _in_quote(sent, idx["غادر"])


def test_shape_bits_read_the_article_tanween_and_proclitics():
    """The shape rules themselves, on written forms (the bits `_definite` and `_tanween` read)."""
    from tasks.events.words import _definite, _tanween, proclitic

    text = "والقوات للمدينة الموصل جنديا عمالا قوات وا بالمدفعية كالعادة"
    words = {w.norm: w for w in words_of(text, 0, len(text))[0]}
    definite = {n for n, w in words.items() if _definite(w)}
    tanween = {n for n, w in words.items() if _tanween(w)}
    assert definite == {"والقوات", "للمدينه", "الموصل"}      # the article after و/ف, or لل
    assert tanween == {"جنديا", "عمالا"}                         # not 'وا' (too short), not a definite word
    assert proclitic("بالمدفعيه") == "ب" and proclitic("للمدينه") == "ل"


def test_the_sentence_model_classes_behave_as_the_dataclasses_they_replace():
    """Word, Filler, Sentence are plain classes with slots (extension types when compiled, words.pxd):
    the same constructor defaults, repr and equality as the dataclasses were, and no instance dict."""
    import pytest

    from tasks.events.words import Filler, Sentence, Word

    text = "اعتقلت الشرطة في طنطا رجلين."
    words, _ = words_of(text, 0, len(text))
    w = words[2]
    same = Word(w.start, w.end, w.norm, w.keys, w.stems, w.flags, w.punct)
    assert same == w and not same != w and w != words[3] and w != (w.start, w.end)
    assert repr(Word(0, 3, "في", ("في",), ("في",))) == \
        "Word(start=0, end=3, norm='في', keys=('في',), stems=('في',), flags=0, punct='')"
    with pytest.raises(TypeError):
        hash(w)                                           # eq without frozen: unhashable, as before
    f = Filler(8, 12, "طنطا")
    assert (f.entity_id, f.first, f.last) == (None, 0, 0) and f == Filler(8, 12, "طنطا", None, 0, 0)
    assert repr(f) == "Filler(start=8, end=12, text='طنطا', entity_id=None, first=0, last=0)"
    a, b = Sentence(text, words), Sentence(text, words)
    assert a.mention_at == {} and a.mention_at is not b.mention_at and a.cflags is None and a.bits == 0
    assert a == b and a != Sentence(text, words[:2])
    with pytest.raises(AttributeError):
        f.colour = "red"                                  # slots (or a C struct): no new attributes


def test_punct_between_reads_the_punctuation_before_each_word():
    """`punct_between` (evspeed8's loop in `find_triggers`, one helper since evspeed9 for triggers, arguments
    and fillers); words written for the test."""
    from tasks.events.words import Word, punct_between
    words = [Word(0, 1, "ا", ("ا",), ("ا",), 0, ""), Word(2, 3, "ب", ("ب",), ("ب",), 0, " "),
             Word(5, 6, "ج", ("ج",), ("ج",), 0, "، ")]
    assert not punct_between(words, 0, 2) and punct_between(words, 1, 3)
    assert not punct_between(words, 2, 2)                  # an empty range has none


def test_may_have_events_answers_as_the_token_test_whatever_the_memo_holds():
    """evspeed9: the pre-check remembers which tokens are trigger forms or speech verbs; its answer is
    `any(map(_event_token, tokens))` on a fresh memo, a filled one and one emptied in between.
    Sentences written for the test."""
    from akhbar.text.tokens import TOKEN
    from tasks.events import words as W
    sentences = ["قصفت الطائرات مواقع المسلحين شمال المدينة.", "وقال المتحدث إن الاجتماع انتهى.",
                 "ارتفعت أسعار القمح في الأسواق هذا الشهر.", "الطقس معتدل في الساحل اليوم."]
    tokens = [TOKEN.findall(s) for s in sentences]
    expected = [any(map(W._event_token, t)) for t in tokens]
    assert expected == [True, True, False, False]
    W.forget_token_memos()
    assert [W._may_have_events(t) for t in tokens] == expected          # learning
    assert W.EVENT_FORMS and W.OTHER_FORMS
    assert [W._may_have_events(t) for t in tokens] == expected          # from the memo
    assert [W._may_have_events(t) for t in reversed(tokens)] == expected[::-1]
    assert W._may_have_events(tokens[2] + ["قصفت"]) and not W._may_have_events([])
    W.forget_token_memos()
    assert not W.EVENT_FORMS and not W.OTHER_FORMS
