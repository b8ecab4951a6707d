"""tasks.events.stage and clustering: frames, contract, clusters, offsets."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.contracts import SCHEMAS
from tasks.events import cluster_events, extract_events
from tests.tasks.events.evhelp import events, frames


def test_extract_events_frame_matches_contract_and_clusters_across_articles():
    a = "أفاد مسؤول أمريكي أن البغدادي غادر الموصل."
    b = "نفى المتحدث أن يكون البغدادي قد غادر الموصل."
    evs = extract_events(*frames([a, b]), run_id="r")
    assert evs.schema == pl.from_arrow(SCHEMAS["events"].empty_table()).schema
    esc = evs.filter(pl.col("event_type") == "ESCAPE")
    assert esc.height == 2 and esc["cluster_id"].n_unique() == 1
    assert sorted(esc["modality"]) == ["claimed", "denied"]          # claim and denial: two rows, one cluster
    assert set(esc["n_sources"]) == {2}


def test_different_places_do_not_cluster():
    evs = extract_events(*frames(["غادر البغدادي الموصل.", "غادر البغدادي الرقة."]), run_id="r")
    assert evs["cluster_id"].n_unique() == 2


def test_empty_and_duplicate_lines():
    arts, sens, ents = frames([])
    assert extract_events(arts.clear(), pl.DataFrame(schema={"article_id": pl.String, "sentence_idx": pl.Int32,
                                                              "start": pl.Int64, "end": pl.Int64}), ents, "r").height == 0
    text = "انسحبت القوات من البلدة.\nانسحبت القوات من البلدة."
    assert extract_events(*frames([text]), run_id="r").height == 1    # a line printed twice counts once


def test_cluster_events_on_empty_frame():
    empty = pl.from_arrow(SCHEMAS["events"].empty_table())
    assert cluster_events(empty).height == 0


ARABIC_WORDS = st.sampled_from(["قتل", "هجوم", "الموصل", "و", "في", "«", "»", "،", "انسحبت", "القوات", "من",
                                "لتحريرها", "غارات", "أمس", "23", "مدنيا", "قال", "إن", "لا", "ستتقدم",
                                "مُقاتِلينَ", "ـ", "وسيغادر", "البغدادي", ".", "بحسب", "المرصد", "إلى", "سوريا"])


@settings(max_examples=150, deadline=None)
@given(st.lists(ARABIC_WORDS, min_size=1, max_size=40))
def test_spans_always_index_the_text(tokens):
    text = " ".join(tokens)
    for e in events(text):
        assert text[e["trigger_start"]:e["trigger_end"]] == e["trigger"]
        assert e["start"] <= e["trigger_start"] < e["trigger_end"] <= e["end"]
        for role in ("actor_text", "target_text", "location_text", "origin_text", "destination_text",
                     "source_text", "date_text"):
            for part in (e[role] or "").split("؛ "):
                assert part in text


def test_forget_memos_empties_the_word_memos_and_changes_no_output():
    """The events stage's memos keyed by word (docs/scale.md section 10) are emptied by forget_memos;
    a call after it gives the same events as the call that filled them."""
    from tasks.events import decision, words
    from tasks.events.stage import forget_memos

    arts, sents, ents = frames(["قتل ثلاثة مدنيين وأصيب خمسة آخرون في انفجار عبوة ناسفة استهدف سوقا شعبيا في "
                                "مدينة الحلة صباح الثلاثاء، وفق ما أفاد مصدر في الشرطة."])
    first = extract_events(arts, sents, ents, "r")
    assert first.height >= 1
    assert words.word_flags.cache_info().currsize and words._norm.cache_info().currsize
    assert words.EVENT_FORMS and words.OTHER_FORMS and words.TOKEN_INFO
    forget_memos()
    assert words.word_flags.cache_info().currsize == 0 and words._norm.cache_info().currsize == 0
    assert not decision._BITS and not words.EVENT_FORMS and not words.OTHER_FORMS and not words.TOKEN_INFO
    assert extract_events(arts, sents, ents, "r").equals(first)
