"""The HTML report rendered from frames: escaping, RTL evidence with highlights, no external reference."""

import datetime as dt
import re

import polars as pl

from tasks.events import cluster_events
from tasks.incidents import build_incidents
from tasks.report import chart_images, render_report
from tasks.report.page import highlight
from tasks.report.svg import countries, standalone_svg, timeline_svg, view_of
from tests.snapshot_tables import make_tables

EXTERNAL = re.compile(r"""(?:src|href|action|xlink:href)\s*=\s*["']?(?!#|data:)|url\(|@import|<script|<link|<iframe"""
                      r"""|https?://|//[a-z0-9.-]+\.[a-z]{2,}""", re.I)


def tables(articles=None):
    t = make_tables("r1", articles)
    t["events"] = cluster_events(t["events"].with_columns(
        location_text=pl.when(pl.col("location_entity_id") == "loc_mosul").then(pl.lit("الموصل"))))
    t["incidents"] = build_incidents(t["events"], t["entity_catalog"], t["articles"], t["documents"], "r1")
    return t


def test_report_has_timeline_map_lists_and_rtl_evidence():
    html = render_report(tables(), dict(run_id="r1", contract_version="1.3.0"))
    assert html.startswith("<!DOCTYPE html>") and "Timeline" in html and "Map:" in html
    assert html.count("<svg") == 2 and "<circle" in html and "<path" in html
    assert 'class="ev" lang="ar"' in html and "direction:rtl" in html
    assert '<mark class="trigger" title="trigger">فر</mark>' in html
    assert '<mark class="place" title="place">' in html or '<mark class="actor" title="actor">' in html
    assert EXTERNAL.search(html) is None


def test_text_from_the_data_is_escaped():
    evil = {"art_x": ("<script>alert(1)</script> عنوان\n"
                      "قال مسؤول إن <b>أبو بكر البغدادي</b> فر من الموصل إلى الرقة.")}
    html = render_report(tables(evil), dict(run_id="<r1>"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>أبو" not in html and "&lt;r1&gt;" in html
    assert "&lt;b&gt;" in html


def test_highlight_marks_trigger_and_arguments_without_overlap():
    sentence = "قصف الجيش حي الوعر في حمص"
    ev = dict(trigger_start=100, trigger_end=103, actor_text="الجيش", target_text="حي الوعر", location_text="حمص")
    out = highlight(sentence, 100, ev)
    assert out == ('<mark class="trigger" title="trigger">قصف</mark> <mark class="actor" title="actor">الجيش</mark> '
                   '<mark class="target" title="target">حي الوعر</mark> في <mark class="place" title="place">حمص</mark>')
    ev["actor_text"] = "قصف الجيش"      # overlaps the trigger: dropped
    assert 'class="actor"' not in highlight(sentence, 100, ev)


def test_empty_snapshot_still_renders():
    t = tables()
    t = {k: v.clear() for k, v in t.items()}
    html = render_report(t, dict(run_id="r0"))
    assert "no dated incident" in html and "<svg" in html


def test_outlines_decode_and_view_drops_outliers():
    names = {n for n, _ in countries()}
    assert {"Iraq", "Syria", "Egypt"} <= names and len(names) > 150
    pts = [(44.0 + i * 0.1, 33.0) for i in range(30)] + [(-100.0, 40.0)]
    lon0, lat0, lon1, lat1 = view_of(pts, [5.0] * 30 + [40.0 / 30])
    assert lon0 > 35 and lon1 < 55 and lat0 < 33 < lat1


def test_timeline_bins_long_spans_by_month():
    rows = [(dt.date(2020, 1, 1) + dt.timedelta(days=40 * i), "ATTACK") for i in range(30)]
    svg, unit = timeline_svg(rows, {"ATTACK": "#000"})
    assert unit == "month" and svg.count("<rect") == 30


def test_chart_images_are_standalone_svg_documents_with_their_legend():
    inc = tables()["incidents"]
    charts = chart_images(inc)
    assert list(charts) == (["timeline", "map"] if inc["date"].is_not_null().any() else ["map"])
    for caption, svg in charts.values():
        assert caption and svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and svg.count("<svg") == 2
        assert all(t in svg for t in inc["event_type"].unique())          # the legend is inside the image
        assert EXTERNAL.search(svg.replace('xmlns="http://www.w3.org/2000/svg"', "")) is None
    assert "<circle" in charts["map"][1]


def test_chart_images_cap_the_places_on_the_map_and_skip_an_empty_timeline():
    inc = pl.DataFrame({"event_type": ["ASSAULT"] * 5, "date": [None] * 5, "lat": [33.0 + i for i in range(5)],
                        "lon": [40.0] * 5, "location_name": ["x"] * 5, "location_name_latin": ["x"] * 5},
                       schema_overrides={"date": pl.Date})
    charts = chart_images(inc, max_places=2)
    assert list(charts) == ["map"] and charts["map"][1].count("<circle") == 2
    assert "5 located incidents at 5 places, the 2 places with most" == charts["map"][0]
    assert standalone_svg("", {}) == ""


def test_map_points_do_not_depend_on_row_order():
    import polars as pl

    from tasks.report.page import map_points

    rows = [dict(lon=float(i % 3), lat=float(i % 2), event_type=("ASSAULT", "ESCAPE")[i % 2],
                 location_name=f"م{i % 3}", location_name_latin=f"P{i % 3}") for i in range(12)]
    located = pl.DataFrame(rows)
    first = map_points(located)
    assert first and all(map_points(located.sample(fraction=1.0, shuffle=True, seed=s)) == first for s in range(5))
