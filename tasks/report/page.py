"""The HTML report of one snapshot: one self-contained file (inline CSS and SVG, no script, no
external reference), readable offline. Pure: frames in, a string out.

Sections: headline counts; a timeline of incidents per day (week/month for long spans) by type; a
map of located incidents on country outlines; top actors and places; modality and source
breakdowns; the incident list with the Arabic evidence sentences right to left, the trigger and
the arguments highlighted. Every text from the data is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape

import polars as pl

from tasks.report.svg import colours, legend, map_svg, standalone_svg, timeline_svg

MAX_INCIDENTS = 300          # incidents listed (most reported first); the counts cover all
MAX_EVIDENCE = 3             # evidence sentences shown per incident
MAX_PLACES = 400             # places drawn on the map image of the Prefect artifact (keeps it small)
ARG_CLASSES = (("actor_text", "actor"), ("target_text", "target"), ("location_text", "place"))

CSS = """
body{font-family:"Noto Sans","Noto Sans Arabic","DejaVu Sans",sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ccc}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#f3f5f8;padding:8px 14px;border-radius:6px}
.card b{display:block;font-size:20px}table{border-collapse:collapse;font-size:13px;margin:6px 0}
td,th{border-bottom:1px solid #e3e3e3;padding:3px 8px;text-align:left;vertical-align:top}
.cols{display:flex;gap:32px;flex-wrap:wrap}.key{margin-right:12px;font-size:12px}
.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.ev{direction:rtl;text-align:right;font-size:15px;line-height:1.7;margin:2px 0;unicode-bidi:isolate}
mark.trigger{background:#ffd54f}mark.actor{background:#b3e5fc}mark.target{background:#ffccbc}
mark.place{background:#c8e6c9}.muted{color:#777;font-size:12px}.ar{direction:rtl;unicode-bidi:isolate}
"""


def highlight(sentence: str, s_start: int, ev: dict) -> str:
    """The sentence, escaped, with the trigger (by offset) and the first occurrence of each argument
    text marked; overlapping marks are dropped (the trigger wins)."""
    spans = [(ev["trigger_start"] - s_start, ev["trigger_end"] - s_start, "trigger")]
    for col, cls in ARG_CLASSES:
        text = (ev.get(col) or "").strip()
        pos = sentence.find(text) if text else -1
        if pos >= 0:
            spans.append((pos, pos + len(text), cls))
    kept: list[tuple[int, int, str]] = []
    for a, b, cls in spans:
        if 0 <= a < b <= len(sentence) and all(b <= x or a >= y for x, y, _ in kept):
            kept.append((a, b, cls))
    out, cur = [], 0
    for a, b, cls in sorted(kept):
        out.append(escape(sentence[cur:a]))
        out.append(f'<mark class="{cls}" title="{cls}">{escape(sentence[a:b])}</mark>')
        cur = b
    out.append(escape(sentence[cur:]))
    return "".join(out)


def table_html(rows: list[dict], rtl_cols: tuple[str, ...] = ()) -> str:
    if not rows:
        return '<p class="muted">none</p>'
    cols = list(rows[0])
    head = "".join(f"<th>{escape(c)}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f'<td{" class=ar" if c in rtl_cols else ""}>{escape(_txt(r[c]))}</td>'
                                    for c in cols) + "</tr>" for r in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def _txt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "، ".join(_txt(x) for x in v)
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v)


def top_names(inc: pl.DataFrame, ids: str, names: str, latin: str, n: int = 15) -> list[dict]:
    x = inc.select(pl.col(ids).alias("id"), pl.col(names).alias("name"), pl.col(latin).alias("latin"), "n_mentions")
    x = x.explode("id", "name", "latin").drop_nulls("id")
    return (x.group_by("id").agg(pl.col("name").first(), pl.col("latin").first(), pl.len().alias("incidents"),
                                 pl.col("n_mentions").sum().alias("reports"))
            .sort("incidents", "reports", "id", descending=[True, True, False]).head(n)
            .select("name", "latin", "incidents", "reports").to_dicts())


def top_places(inc: pl.DataFrame, n: int = 15) -> list[dict]:
    located = inc.drop_nulls("location_entity_id")
    return (located.group_by("location_entity_id").agg(
        pl.col("location_name").first().alias("name"), pl.col("location_name_latin").first().alias("latin"),
        pl.col("country_code").first().alias("country"), pl.len().alias("incidents"))
        .sort("incidents", "location_entity_id", descending=[True, False]).head(n).drop("location_entity_id").to_dicts())


def breakdowns(inc: pl.DataFrame, events: pl.DataFrame, articles: pl.DataFrame) -> str:
    by_mod = (events.group_by("modality").agg(pl.len().alias("events"), pl.col("cluster_id").n_unique().alias("clusters"))
              .sort("events", "modality", descending=[True, False]).to_dicts()) if not events.is_empty() else []
    sources = (articles.select(pl.coalesce(pl.col("source"), pl.col("agency"), pl.lit("(unknown)")).alias("publisher"))
               .group_by("publisher").len("articles").sort("articles", "publisher", descending=[True, False])
               .head(15).to_dicts()) if not articles.is_empty() else []
    n_src = (inc.group_by("n_sources").len("incidents").sort("n_sources").to_dicts()) if not inc.is_empty() else []
    return (f'<div class="cols"><div><h3>Events by modality</h3>{table_html(by_mod)}</div>'
            f'<div><h3>Publishers (articles)</h3>{table_html(sources, ("publisher",))}</div>'
            f'<div><h3>Incidents by number of sources</h3>{table_html(n_src)}</div></div>')


def evidence_html(inc_row: dict, ev_by_id: dict, sentences: dict, titles: dict) -> str:
    out = []
    for eid in inc_row["evidence_event_ids"][:MAX_EVIDENCE]:
        ev = ev_by_id.get(eid)
        sent = sentences.get((ev["article_id"], ev["sentence_idx"])) if ev else None
        if not sent:
            continue
        title = titles.get(ev["article_id"]) or ev["article_id"]
        out.append(f'<p class="ev" lang="ar">{highlight(sent[1], sent[0], ev)} '
                   f'<span class="muted">— {escape(title)} ({escape(ev["modality"])})</span></p>')
    more = len(inc_row["evidence_event_ids"]) - MAX_EVIDENCE
    if more > 0:
        out.append(f'<p class="muted">… {more} more reports</p>')
    return "".join(out)


def incident_list(inc: pl.DataFrame, events: pl.DataFrame, sentences: pl.DataFrame, articles: pl.DataFrame) -> str:
    shown = inc.sort("n_mentions", "n_articles", "date", "incident_id", descending=[True, True, False, False],
                     nulls_last=True).head(MAX_INCIDENTS)
    needed = shown.select(pl.col("evidence_event_ids").list.head(MAX_EVIDENCE).explode().alias("event_id"))
    evs = events.join(needed, on="event_id", how="semi")
    ev_by_id = {r["event_id"]: r for r in evs.iter_rows(named=True)}
    sents = sentences.join(evs.select("article_id", "sentence_idx").unique(), on=["article_id", "sentence_idx"],
                           how="semi")
    sent_map = {(a, i): (s, t) for a, i, s, t in sents.select("article_id", "sentence_idx", "start", "text").iter_rows()}
    titles = dict(articles.select("article_id", "title").iter_rows())
    rows = []
    for r in shown.iter_rows(named=True):
        dead = "" if r["fatalities_best"] is None else f'{r["fatalities_best"]} ({r["fatalities_low"]}–{r["fatalities_high"]})'
        place = " / ".join(x for x in (r["location_name"], r["location_name_latin"]) if x) if r["location_name"] else ""
        rows.append(
            f'<tr><td>{escape(r["event_type"])}<br><span class="muted">{escape(r["mode"] or "")}</span></td>'
            f'<td>{escape(_txt(r["date"]))}<br><span class="muted">{escape(r["date_precision"])}, {escape(r["date_source"])}'
            f'</span></td><td class="ar">{escape(place)}</td><td class="ar">{escape(_txt(r["actor_names"]))}</td>'
            f'<td>{escape(dead)}</td><td>{r["n_mentions"]} / {r["n_articles"]} / {r["n_sources"]}</td>'
            f'<td>{evidence_html(r, ev_by_id, sent_map, titles)}</td></tr>')
    head = ("<tr><th>type</th><th>date</th><th>place</th><th>actors</th><th>killed best (low–high)</th>"
            "<th>reports / articles / sources</th><th>evidence</th></tr>")
    note = (f'<p class="muted">{min(inc.height, MAX_INCIDENTS)} of {inc.height} incidents shown, most reported first. '
            '<mark class="trigger">trigger</mark> <mark class="actor">actor</mark> <mark class="target">target</mark> '
            '<mark class="place">place</mark></p>')
    return note + f"<table>{head}{''.join(rows)}</table>"


def map_points(located: pl.DataFrame) -> list[dict]:
    """One point per place: size = incidents there, colour = its most frequent type, label = the counts."""
    if located.is_empty():
        return []
    # every tie broken by a value (not by row order), so a rerun draws the same SVG byte for byte
    per = (located.group_by("lon", "lat", "event_type").agg(pl.len().alias("n"), pl.col("location_name").min(),
                                                             pl.col("location_name_latin").min())
           .sort("n", "event_type", "lon", "lat", descending=[True, False, False, False]))
    places = per.group_by("lon", "lat", maintain_order=True).agg(
        pl.col("n").sum().alias("size"), pl.col("event_type").first().alias("type"),
        pl.col("location_name").first(), pl.col("location_name_latin").first(),
        (pl.col("event_type") + " " + pl.col("n").cast(pl.String)).head(5).str.join(", ").alias("counts"))
    return [dict(lon=r["lon"], lat=r["lat"], size=r["size"], type=r["type"],
                 label=f'{r["location_name_latin"] or ""} {r["location_name"] or ""}: {r["size"]} incidents ({r["counts"]})')
            for r in places.iter_rows(named=True)]


def chart_data(inc: pl.DataFrame) -> tuple[dict[str, str], list, pl.DataFrame, list[dict]]:
    """What the timeline and the map draw: (colour per type, (date, type) rows, located incidents, map points)."""
    types = (inc.group_by("event_type").len().sort("len", "event_type", descending=[True, False])["event_type"].to_list()
             if not inc.is_empty() else [])
    dated = inc.drop_nulls("date").select("date", "event_type").rows()
    located = inc.drop_nulls(["lat", "lon"])
    return colours(types), dated, located, map_points(located)


def chart_images(inc: pl.DataFrame, max_places: int = MAX_PLACES) -> dict[str, tuple[str, str]]:
    """The report's timeline and map as standalone SVG documents, each with its legend inside, for
    an <img> (the Prefect artifact embeds them as data URIs): {"timeline"|"map": (caption, svg)}.
    The map draws the `max_places` places with most incidents; no timeline when nothing is dated."""
    colour, dated, located, points = chart_data(inc)
    out = {}
    timeline, unit = timeline_svg(dated, colour)
    if timeline:
        out["timeline"] = (f"incidents per {unit} by type ({len(dated)} dated)", standalone_svg(timeline, colour))
    shown = sorted(points, key=lambda p: -p["size"])[:max_places]
    note = f", the {len(shown)} places with most" if len(shown) < len(points) else ""
    out["map"] = (f"{located.height} located incidents at {len(points)} places{note}",
                  standalone_svg(map_svg(shown, colour), colour))
    return out


def render_report(tables: dict[str, pl.DataFrame], run: dict) -> str:
    """The report page for one snapshot: tables incidents, events, sentences, articles (see module doc)."""
    inc, events = tables["incidents"], tables["events"]
    sentences, articles = tables["sentences"], tables["articles"]
    colour, dated, located, points = chart_data(inc)
    timeline, unit = timeline_svg(dated, colour)
    collapsed = events.filter(pl.col("event_id").is_in(inc["evidence_event_ids"].explode().implode())).height \
        if not inc.is_empty() else 0
    cards = [("incidents", inc.height), ("evidence events", collapsed), ("events", events.height),
             ("articles", articles.height), ("located incidents", located.height), ("dated incidents", len(dated))]
    return "".join([
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f'<title>akhbar report {escape(run.get("run_id", ""))}</title><style>{CSS}</style></head><body>',
        f'<h1>akhbar: incidents of snapshot <code>{escape(run.get("run_id", ""))}</code></h1>',
        f'<p class="muted">published {escape(_txt(run.get("finished_at")))}; contract {escape(str(run.get("contract_version", "")))}; '
        'an incident is the factual (asserted, claimed, reported, accused), main events of one cross-article '
        'cluster (docs/CODEBOOK.md).</p>',
        '<div class="cards">' + "".join(f"<div class=card><b>{v}</b>{escape(k)}</div>" for k, v in cards) + "</div>",
        f"<h2>Timeline: incidents per {unit} by type</h2><div>{legend(colour)}</div>",
        timeline or '<p class="muted">no dated incident</p>',
        f"<h2>Map: {located.height} located incidents</h2><div>{legend(colour)}</div>", map_svg(points, colour),
        '<div class="cols"><div><h2>Top actors</h2>',
        table_html(top_names(inc, "actor_entity_ids", "actor_names", "actor_names_latin"), ("name",)) if not inc.is_empty() else "",
        "</div><div><h2>Top places</h2>", table_html(top_places(inc), ("name",)) if not inc.is_empty() else "", "</div></div>",
        "<h2>Modalities and sources</h2>", breakdowns(inc, events, articles),
        "<h2>Incidents</h2>", incident_list(inc, events, sentences, articles) if not inc.is_empty() else "",
        "</body></html>"])
