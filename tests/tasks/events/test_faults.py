"""No rule can kill a run: a rule raising inside extraction for one article quarantines that
article (the extract-events stage is isolated by article_id) and the run publishes the rest."""

import polars as pl

import tasks.events.stage as stage
from akhbar.config import PipelineConfig
from flows.local import run_graph
from tasks.events.clustering import cluster_rows
from tasks.events import extract_sentence_events
from tests.tasks.events.evhelp import events


def test_a_raising_rule_quarantines_one_article(seeds_dir, monkeypatch):
    before = run_graph(seeds_dir, cfg=PipelineConfig(partitions=1))
    bad = before["events"]["article_id"][0]
    bad_text = before["articles"].filter(pl.col("article_id") == bad)["text"][0]
    real = stage.salience

    def rule(sent, i, t, key):
        if sent.text == bad_text:
            raise StopIteration("a rule ran out of words")      # next() without a default
        return real(sent, i, t, key)

    monkeypatch.setattr(stage, "salience", rule)
    bag = run_graph(seeds_dir, until="quarantine", cfg=PipelineConfig(partitions=1))
    failures = bag["stage_failures"]
    assert [f["row_key"] for f in failures] == [bad]
    assert failures[0]["table"] == "extract-events" and "StopIteration" in failures[0]["detail"]
    assert "rule" in failures[0]["detail"]                        # the function that raised
    assert bad not in set(bag["events"]["article_id"])
    assert set(bag["events"]["article_id"]) == set(before["events"]["article_id"]) - {bad}
    q = bag["tables"]["quarantine"]
    assert q.filter(pl.col("check") == "exception")["row_key"].to_list() == [bad]


def test_casualty_target_without_a_matching_quantity_does_not_raise():
    # the quantity text lookup used a bare next(): it must fall back to no target, never StopIteration
    for text in ("قتل 5 أشخاص في انفجار.", "لقي ٣ مدنيين حتفهم."):
        events(text)
    for text in ("قتل ²٣ شخصا في انفجار ²٣ نيسان.", "قتل ¹ شخص."):      # digits int() refuses: isdecimal, not isdigit
        extract_sentence_events("a1", text, 0, 0, len(text), [], "r")


def test_clusters_do_not_depend_on_row_order():
    rows = [dict(event_id=f"evt_{k}", event_type="ASSAULT", article_id=f"a{k}", event_date=None,
                 actor_entity_ids=[], actor_text=actor, source_text=None, location_entity_id=None,
                 location_text="حلب", origin_entity_id=None, origin_text=None, destination_entity_id=None,
                 destination_text=None)
            for k, actor in enumerate([None, "الجيش", None, "المسلحون", "الجيش"])]
    ids, ns = cluster_rows(rows)
    by_id = dict(zip([r["event_id"] for r in rows], zip(ids, ns)))
    rev = rows[::-1]
    ids2, ns2 = cluster_rows(rev)
    assert dict(zip([r["event_id"] for r in rev], zip(ids2, ns2))) == by_id


def test_mentions_of_one_happening_share_an_article_event_id():
    from tasks.events import extract_events
    from tests.tasks.events.evhelp import frames

    text = ("هجوم على حاجز للشرطة في حلب\n"
            "هاجم مسلحون حاجزا للشرطة في حلب صباح أمس. وبعد الهجوم أغلقت القوات الطرق المؤدية إلى المدينة. "
            "وفي دمشق، قصفت الطائرات مواقع في ريف المدينة.")
    ev = extract_events(*frames([text]), "r").filter(pl.col("event_type") == "ASSAULT").sort("trigger_start")
    ids = ev["article_event_id"].to_list()
    triggers = ev["trigger"].to_list()
    assert None not in ids
    aleppo = [i for t, i in zip(triggers, ids) if t in ("هجوم", "هاجم", "الهجوم")]
    assert len(aleppo) >= 2 and len(set(aleppo)) == 1, list(zip(triggers, ids))
    assert ids[triggers.index("قصفت")] not in aleppo
