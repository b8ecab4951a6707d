"""tasks/events/clustering.py: cross-article clusters cut into parts by (type, place) give the ids of
the whole-frame pass (the corpus-wide stage clusters one hash bucket at a time, flows/steps.py)."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

from tasks.events.clustering import CLUSTER_COLUMNS, cluster_events, cluster_part, place_bucket

PLACES = [("loc_a", None), ("loc_b", "بغداد"), (None, "الموصل"), (None, "موصل"), (None, None), ("", "كركوك")]
ACTORS = [([], None), (["org_x"], "التنظيم"), ([], "أبو بكر البغدادي"), ([], "البغدادي"), (["per_y"], None)]
DATES = [None, dt.date(2015, 3, 1), dt.date(2015, 3, 2)]


def events(n: int, seed: int = 3) -> pl.DataFrame:
    """n events over few types, places (ids, text only, none, an empty id), actors and dates: many collide."""
    rnd = random.Random(seed)
    rows = []
    for k in range(n):
        role = rnd.choice(("location", "origin", "destination"))
        pid, ptext = rnd.choice(PLACES)
        ids, atext = rnd.choice(ACTORS)
        row = dict(event_id=f"ev_{rnd.randrange(10**6):06d}_{k}", event_type=rnd.choice(("ATTACK", "PROTEST", "ARREST")),
                   article_id=f"a{rnd.randrange(n // 3 + 1)}", event_date=rnd.choice(DATES),
                   date_precision=rnd.choice(("day", "publication")), actor_entity_ids=ids, actor_text=atext,
                   source_text=rnd.choice((None, "رويترز", "الوكالة")))
        for r in ("location", "origin", "destination"):
            row[f"{r}_entity_id"], row[f"{r}_text"] = (pid, ptext) if r == role else (None, None)
        rows.append(row)
    return pl.DataFrame(rows, schema_overrides={"actor_entity_ids": pl.List(pl.String)}).select(CLUSTER_COLUMNS)


def test_clusters_cut_by_place_bucket_equal_the_whole_pass():
    ev = events(400)
    whole = cluster_events(ev).select("event_id", "cluster_id", "n_sources").sort("event_id")
    sizes = whole.group_by("cluster_id").len()
    assert sizes["len"].max() > 5 and whole["n_sources"].max() > 1        # real clusters, not one event each
    for n in (2, 3, 8):
        bucket = place_bucket() % n
        parts = [cluster_part(ev.filter(bucket == b)) for b in range(n)]
        assert sum(p.height > 0 for p in parts) > 1
        assert pl.concat(parts).sort("event_id").equals(whole), n


def test_events_that_may_share_a_cluster_hash_alike():
    ev = pl.DataFrame(dict(
        event_id=["e1", "e2", "e3", "e4", "e5", "e6"], event_type=["ATTACK"] * 5 + ["PROTEST"],
        location_entity_id=["loc_a", None, None, "", None, "loc_a"], location_text=["بغداد", None, "الموصل", None, None, None],
        origin_entity_id=[None, "loc_a", None, None, None, None], origin_text=[None, None, None, "موصل", None, None],
        destination_entity_id=[None] * 6, destination_text=[None, "كركوك", None, None, None, None]))
    h = ev.select(place_bucket())[:, 0].to_list()
    assert h[0] == h[1]                 # one type and place entity, whatever the role and the text
    assert h[2] == h[3]                 # placed by text only: by type (an empty id is no id)
    assert h[0] != h[5]                 # another type
    assert len({h[4], h[0], h[2]}) == 3  # no place at all: its own id


def test_last_match_is_the_latest_same_happening_within_the_lookback():
    """evspeed9: `_last_match` (a loop replacing `next(generator)` in `assign_article_event_ids`) returns
    the latest earlier event of the same happening among the last MAX_LOOKBACK, else None. Rows written
    for the test: (date, place key, row) as `_same_happening` reads them."""
    from tasks.events.clustering import MAX_LOOKBACK, _last_match

    def key(date, place, actor=None):
        return (date, place, {"actor_text": actor, "actor_entity_ids": []})
    d = dt.date(2024, 5, 2)
    keys = [key(d, "p:1"), key(None, "p:2"), key(d, "p:1"), key(None, "p:3"), key(d, "p:1")]
    assert _last_match([0, 1, 2, 3], keys, 4) == 2          # the latest of 0 and 2
    assert _last_match([1, 3], keys, 4) is None
    assert _last_match([], keys, 4) is None
    far = [key(d, "p:1")] + [key(None, "p:9")] * MAX_LOOKBACK + [key(d, "p:1")]
    assert _last_match(list(range(MAX_LOOKBACK + 1)), far, MAX_LOOKBACK + 1) is None   # 0 is out of reach


def test_events_placed_by_text_hash_by_their_place_not_by_their_type_alone():
    """Events of one type placed by text only: one bucket per place text (as `_place_key` normalises it:
    'الموصل' ~ 'موصل'), not one bucket for the whole type (it grew with the corpus); cut into buckets,
    the clusters equal the whole pass. Texts written for this test."""
    places = ["الموصل", "موصل", "تكريت", "الرمادي", "بيجي", "سامراء", "الفلوجة", "هيت"]
    ev = pl.DataFrame(dict(
        event_id=[f"e{i}" for i in range(16)], event_type=["ATTACK"] * 16, article_id=[f"a{i % 5}" for i in range(16)],
        event_date=[None] * 16, date_precision=["unknown"] * 16, actor_entity_ids=[[] for _ in range(16)],
        actor_text=[None] * 16, source_text=[None] * 16,
        location_entity_id=[None] * 16, location_text=[places[i % 8] for i in range(16)],
        origin_entity_id=[None] * 16, origin_text=[None] * 16, destination_entity_id=[None] * 16,
        destination_text=[None] * 16),
        schema_overrides={"actor_entity_ids": pl.List(pl.String), "event_date": pl.Date}).select(CLUSTER_COLUMNS)
    h = ev.select(place_bucket())[:, 0].to_list()
    assert h[0] == h[1] == h[8] == h[9]          # one place, however written
    assert len(set(h)) == 7                      # seven places, seven hashes
    whole = cluster_events(ev).select("event_id", "cluster_id", "n_sources").sort("event_id")
    assert whole["cluster_id"].n_unique() == 7
    for n in (2, 3):
        parts = [cluster_part(ev.filter(place_bucket() % n == b)) for b in range(n)]
        assert sum(p.height > 0 for p in parts) > 1
        assert pl.concat(parts).sort("event_id").equals(whole), n
