import pytest
from hypothesis import given, strategies as st

from tasks.segment import segment, split_sentences, tokenize
import polars as pl

CASES = [
    ("قال إنه غادر. ثم عاد!", ["قال إنه غادر.", "ثم عاد!"]),
    ("هل غادر؟ لا أحد يعرف.", ["هل غادر؟", "لا أحد يعرف."]),
    ("بلغت النسبة 3.5 بالمئة في 12/3/2017 أمس.", ["بلغت النسبة 3.5 بالمئة في 12/3/2017 أمس."]),
    ("قال، وأضاف؛ ثم: انتهى.", ["قال، وأضاف؛ ثم: انتهى."]),
    ("وقال: «لن نتردد. سنقاتل». ثم غادر.", ["وقال: «لن نتردد.", "سنقاتل».", "ثم غادر."]),
    ("الصورة (أ.ب) واضحة.", ["الصورة (أ.ب) واضحة."]),
    ("انتظر… ثم تكلم.", ["انتظر…", "ثم تكلم."]),
]


@pytest.mark.parametrize("text,expected", CASES)
def test_sentence_cases(text, expected):
    assert [text[a:b] for a, b in split_sentences(text)] == expected


@given(st.text(alphabet=st.sampled_from(list("ابتثجحخد هوي.!؟،:«»\"()\n0123456789…abc")), max_size=200))
def test_spans_ordered_exact(text):
    sents = split_sentences(text)
    prev = 0
    for a, b in sents:
        assert prev <= a < b <= len(text)
        assert text[a:b] == text[a:b].strip()
        prev = b
    toks = tokenize(text)
    prev = 0
    for a, b in toks:
        assert prev <= a < b
        assert not text[a:b].isspace()
        prev = b


def test_segment_article_offsets(seeds_dir):
    blocks = pl.DataFrame({"block_id": ["b1"], "doc_ids": [["d1"]],
                           "text": [next(seeds_dir.glob("001_*.txt")).read_text(encoding="utf-8")],
                           "meta_title": [None], "meta_date": [None], "meta_source": [None], "meta_url": [None]},
                          schema_overrides={"meta_title": pl.String, "meta_date": pl.String,
                                            "meta_source": pl.String, "meta_url": pl.String})
    arts, sens = segment(blocks, "r")
    assert arts.height == 1
    text = arts["text"][0]
    for s in sens.iter_rows(named=True):
        assert text[s["start"]:s["end"]] == s["text"]
    assert sens["sentence_idx"].to_list() == list(range(sens.height))
