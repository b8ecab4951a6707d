"""The incidents stage on event frames written here (sentences outside every data set)."""

import datetime as dt

import polars as pl
import pytest

import tasks.incidents.build as build
from akhbar.contracts import SCHEMAS
from tasks.incidents import build_incidents, incidents_of_parts
from tests.snapshot_tables import frame

CATALOG = frame("entity_catalog", [
    dict(entity_id="loc_homs", canonical_name="حمص", type="LOC", aliases=["حمص"], mention_count=3, geonames_id=169577,
         lat=34.73, lon=36.72, country_code="SY", feature_class="P", run_id="r"),
    dict(entity_id="loc_syria", canonical_name="سوريا", type="LOC", aliases=["سوريا"], mention_count=1,
         geonames_id=163843, lat=35.0, lon=38.5, country_code="SY", feature_class="A", run_id="r"),
    dict(entity_id="org_army", canonical_name="الجيش", type="ORG", aliases=["الجيش"], mention_count=2, run_id="r"),
    dict(entity_id="org_observatory", canonical_name="المرصد", type="ORG", aliases=["المرصد"], mention_count=1,
         run_id="r"),
])
ARTICLES = frame("articles", [
    dict(article_id=a, doc_ids=[f"doc_{a}"], text="x", body_start=0, published_date=dt.date(2024, 5, d),
         date_precision="day", source=src, n_paragraphs=1, n_sentences=1, run_id="r")
    for a, d, src in (("art_1", 2, "الوطن"), ("art_2", 3, "الوطن"), ("art_3", 3, None), ("art_4", 9, "النهار"))])


def ev(event_id, article_id, cluster_id, killed=None, modality="asserted", **kw):
    q = [dict(kind="killed", value=float(killed), unit=None, text=str(killed))] if killed is not None else []
    row = dict(event_id=event_id, article_id=article_id, sentence_idx=0, start=0, end=1, trigger="قصف",
               trigger_start=0, trigger_end=1, event_type="ATTACK", mode="shelling", actor_entity_ids=["org_army"],
               target_entity_ids=[], location_entity_id="loc_homs", date_precision="unknown", quantities=q,
               modality=modality, confidence=0.8, method="test", cluster_id=cluster_id, n_sources=1, run_id="r")
    row.update(kw)
    return row


def events(*rows, salience=None):
    df = frame("events", list(rows))
    if salience is not None:
        df = df.with_columns(pl.Series("salience", salience))
    return df


def incidents(evts, previous=None):
    return build_incidents(evts, CATALOG, ARTICLES, None, "r2", previous)


def test_one_bombing_reported_by_three_articles_is_one_incident_with_ucdp_casualties():
    # 'قصف الجيش حي الوعر في حمص وقتل 12 مدنيا' reported 12, 12 and 15 killed by three articles
    out = incidents(events(ev("e1", "art_1", "c1", 12), ev("e2", "art_2", "c1", 15), ev("e3", "art_3", "c1", 12),
                           ev("e4", "art_3", "c1", 9)))
    assert out.height == 1 and out.columns == SCHEMAS["incidents"].names
    row = out.row(0, named=True)
    assert (row["fatalities_best"], row["fatalities_low"], row["fatalities_high"]) == (12, 12, 15)
    assert row["n_mentions"] == 4 and row["n_articles"] == 3
    assert row["n_sources"] == 2          # الوطن twice, art_3 has no publisher: counted alone
    assert row["location_name"] == "حمص" and row["geo_precision"] == "settlement" and row["lat"] == 34.73
    assert row["actor_names"] == ["الجيش"] and row["event_type"] == "ATTACK" and row["mode"] == "shelling"
    assert row["evidence_event_ids"] == ["e1", "e2", "e3", "e4"]
    assert row["first_report"] == dt.date(2024, 5, 2) and row["last_report"] == dt.date(2024, 5, 3)
    # no event date: the earliest publication date stands in, and says so
    assert row["date"] == dt.date(2024, 5, 2) and row["date_source"] == "article"


def test_best_is_the_median_when_no_value_is_reported_twice():
    out = incidents(events(ev("e1", "art_1", "c1", 10), ev("e2", "art_2", "c1", 20), ev("e3", "art_4", "c1", 40)))
    assert out.select("fatalities_best", "fatalities_low", "fatalities_high").row(0) == (20, 10, 40)


def test_only_factual_modalities_form_incidents_and_denials_are_claims():
    out = incidents(events(ev("e1", "art_1", "c1"),
                           ev("e2", "art_2", "c1", modality="denied", source_entity_id="org_army", source_text="الجيش"),
                           ev("e3", "art_4", "c2", modality="future"), ev("e4", "art_4", "c3", modality="hypothetical")))
    assert out.height == 1
    row = out.row(0, named=True)
    assert row["evidence_event_ids"] == ["e1"] and row["n_mentions"] == 1
    assert {(c["source_name"], c["modality"]) for c in row["claims"]} == {(None, "asserted"), ("الجيش", "denied")}


def test_salience_background_events_are_left_out_when_the_column_exists():
    rows = (ev("e1", "art_1", "c1"), ev("e2", "art_4", "c2"))
    assert incidents(events(*rows)).height == 2                      # no column: every event is main
    out = incidents(events(*rows, salience=["main", "background"]))
    assert out["evidence_event_ids"].to_list() == [["e1"]]


def test_date_is_the_earliest_of_the_finest_precision_with_the_spread():
    out = incidents(events(ev("e1", "art_1", "c1", event_date=dt.date(2024, 5, 1), date_precision="month"),
                           ev("e2", "art_2", "c1", event_date=dt.date(2024, 5, 2), date_precision="day"),
                           ev("e3", "art_4", "c1", event_date=dt.date(2024, 5, 4), date_precision="day")))
    row = out.row(0, named=True)
    assert (row["date"], row["date_precision"], row["date_source"]) == (dt.date(2024, 5, 2), "day", "event")
    assert (row["date_min"], row["date_max"]) == (dt.date(2024, 5, 1), dt.date(2024, 5, 4))


def test_a_country_place_has_country_precision():
    out = incidents(events(ev("e1", "art_1", "c1", location_entity_id="loc_syria")))
    assert out.row(0, named=True)["geo_precision"] == "country"
    out = incidents(events(ev("e1", "art_1", "c1", location_entity_id=None)))
    assert out.row(0, named=True)["geo_precision"] == "none"


def test_rerun_is_identical_and_a_new_report_joins_the_existing_incident():
    first = incidents(events(ev("e5", "art_1", "c5"), ev("e6", "art_2", "c5"), ev("e8", "art_4", "c8")))
    assert incidents(events(ev("e5", "art_1", "c5"), ev("e6", "art_2", "c5"), ev("e8", "art_4", "c8")),
                     previous=first).drop("run_id").equals(first.drop("run_id"))
    # a later run adds e0 (smaller id than e5) to the same cluster: the incident keeps its id
    later = incidents(events(ev("e0", "art_3", "c0"), ev("e5", "art_1", "c0"), ev("e6", "art_2", "c0"),
                             ev("e8", "art_4", "c8")), previous=first)
    old_id = first.filter(pl.col("evidence_event_ids").list.contains("e5"))["incident_id"].item()
    row = later.filter(pl.col("incident_id") == old_id).row(0, named=True)
    assert row["evidence_event_ids"] == ["e0", "e5", "e6"] and row["n_articles"] == 3
    assert later["incident_id"].n_unique() == later.height == 2


def test_a_split_cluster_keeps_the_old_id_once():
    first = incidents(events(ev("e1", "art_1", "c1"), ev("e2", "art_2", "c1")))
    split = incidents(events(ev("e1", "art_1", "c1"), ev("e2", "art_2", "c2")), previous=first)
    assert split["incident_id"].n_unique() == 2 and first["incident_id"].item() in split["incident_id"].to_list()


def test_no_events_no_incidents():
    assert incidents(events()).is_empty()


@pytest.mark.parametrize("name", ["location_name_latin", "actor_names_latin"])
def test_latin_names_come_from_name_latin_when_the_catalog_has_it(name):
    cat = CATALOG.with_columns(name_latin=pl.col("entity_id").replace({"loc_homs": "Homs", "org_army": "the army"}))
    out = build_incidents(events(ev("e1", "art_1", "c1")), cat, ARTICLES, None, "r")
    assert out[name].to_list()[0] in ("Homs", ["the army"])


def test_claims_that_tie_on_count_modality_and_text_have_one_order_whatever_the_row_order():
    # 'قالت القناة إن ...' attributed to two different channels and to an unlinked surface, once each
    rows = [ev(f"e{i}", "art_1", "c1", modality="claimed", source_text="القناة", source_entity_id=src)
            for i, src in enumerate(["org_army", "org_observatory", None, "org_army", "org_observatory", None])]
    orders = {tuple((c["source_entity_id"], c["source_text"]) for c in incidents(events(*perm))["claims"][0])
              for perm in (rows, rows[::-1], rows[2:] + rows[:2], rows[1::2] + rows[::2])}
    assert orders == {(("org_army", "القناة"), ("org_observatory", "القناة"), (None, "القناة"))}


def test_incidents_built_cluster_part_by_part_equal_the_whole_build():
    """incidents_of_parts (the spilled run's bounded pass: events in parts, no cluster cut) gives
    build_incidents' table, the ids assigned over all parts: a split cluster keeps the old id once."""
    first = incidents(events(ev("e1", "art_1", "c1", killed=3), ev("e2", "art_2", "c1", killed=4),
                             ev("e8", "art_4", "c8", modality="claimed")))
    later = events(ev("e1", "art_1", "c1", killed=3), ev("e2", "art_2", "c2", killed=4),
                   ev("e8", "art_4", "c8"), ev("e9", "art_3", "c8", modality="denied", source_text="الجيش"))
    whole = incidents(later, previous=first)
    parts = [later.filter(pl.col("cluster_id") == c) for c in ("c2", "c8", "c1")]
    got, failures = build.incidents_of_parts(parts, CATALOG, ARTICLES, None, "r2", first)
    assert not failures and whole.height == 3 and got.equals(whole)
    assert first["incident_id"].is_in(whole["incident_id"].implode()).sum() == 2


@pytest.mark.parametrize("extra, kept", [
    ([], [["e1"]]),                                           # the whole events as one part (in-memory run)
    ([("e3", "art_3", "c3")], [["e1"], ["e3"]]),               # events in parts (the spilled run)
])
def test_a_failing_cluster_is_quarantined_and_the_rest_kept(monkeypatch, extra, kept):
    real = build.incident_rows

    def flaky(evts, *a):
        if "bad" in evts["cluster_id"].to_list():
            raise ValueError("broken cluster")
        return real(evts, *a)

    monkeypatch.setattr(build, "incident_rows", flaky)
    part = events(ev("e1", "art_1", "ok"), ev("e2", "art_2", "bad"))
    parts = [part] + ([events(*(ev(*e) for e in extra))] if extra else [])
    out, failures = incidents_of_parts(parts, CATALOG, ARTICLES, None, "r")
    assert sorted(out["evidence_event_ids"].to_list()) == kept
    assert [(f["table"], f["row_key"], f["check"]) for f in failures] == [("incidents", "bad", "exception")]
    assert "broken cluster" in failures[0]["detail"]


def test_cluster_buckets_keep_each_cluster_whole_and_spread_one_busy_place():
    """The spilled run's incident parts are hash buckets of `cluster_bucket`: every event of a cluster
    (denied claims included) in one bucket, events without a cluster spread by their id, and the clusters
    of one busy place (one (type, place) key: one bucket of the clustering's `place_bucket`) spread over
    several buckets; built bucket by bucket, the table equals the whole build. Events written here."""
    rows = [ev(f"e{i}", f"art_{1 + i % 4}", f"c{i // 2}", killed=i) for i in range(24)]     # 12 clusters in Homs
    rows += [ev("e90", "art_1", "c3", modality="denied", source_text="الجيش"), ev("e91", "art_2", None),
             ev("e92", "art_3", None)]
    evts = events(*rows)
    n = 4
    bucket = evts.with_columns(_b=build.cluster_bucket() % n)
    per_cluster = bucket.filter(pl.col("cluster_id").is_not_null()).group_by("cluster_id").agg(pl.col("_b").n_unique())
    assert per_cluster["_b"].max() == 1
    assert bucket.filter(pl.col("cluster_id").is_not_null())["_b"].n_unique() > 1     # one place, several buckets
    alone = evts.filter(pl.col("cluster_id").is_null())
    assert alone.select(build.cluster_bucket() == pl.col("event_id").hash()).to_series().all()
    parts = [evts.filter(build.cluster_bucket() % n == b) for b in range(n)]
    got, failures = incidents_of_parts(parts, CATALOG, ARTICLES, None, "r2")
    whole = incidents(evts)
    assert not failures and whole.height == 12 and got.equals(whole)
