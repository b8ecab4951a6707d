"""Small, consistent candidate tables built in code (offsets computed, never typed in),
for validate / publish / CLI tests that must not run the whole flow."""

from __future__ import annotations

import datetime as dt

import polars as pl

from akhbar.contracts import SCHEMAS

ARTICLES = {
    "art_a": ("فرار البغدادي من الموصل\n"
              "قال مسؤول عراقي إن أبو بكر البغدادي فر من الموصل إلى الرقة. "
              "وأكد الجيش العراقي مقتل عشرة مسلحين في الموصل."),
    "art_b": ("غارة على الرقة\n"
              "شن التحالف غارة جوية على الرقة أمس. "
              "وقالت مصادر محلية إن الغارة استهدفت مقرا للتنظيم."),
}
# A third story, for incremental runs.
MORE = dict(ARTICLES, art_c=("مقتل قيادي في التنظيم\n"
                             "أعلن الجيش العراقي مقتل قيادي في الموصل. وقال بيان إن العملية نجحت."))
PLACES = {"الموصل": ("loc_mosul", 36.34, 43.13),
          "الرقة": ("loc_raqqa", 35.95, 39.01)}
PEOPLE = {"أبو بكر البغدادي": "per_abu_bakr_al_baghdadi", "التحالف": "org_coalition",
          "الجيش العراقي": "org_iraqi_army"}


def frame(name: str, rows: list[dict]) -> pl.DataFrame:
    """Rows to a frame with the contract's columns and types (absent columns are null)."""
    schema = pl.from_arrow(SCHEMAS[name].empty_table()).schema
    return pl.DataFrame([{c: r.get(c) for c in schema.names()} for r in rows], schema=schema)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Title line, then sentences ending in '.'; (start, end) pairs."""
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch in ".\n":
            end = i + 1 if ch == "." else i
            spans.append((start, end))
            start = i + 1
            while start < len(text) and text[start] == " ":
                start += 1
    return spans


def make_tables(run_id: str = "r1", articles: dict[str, str] | None = None) -> dict[str, pl.DataFrame]:
    articles = articles or ARTICLES
    docs, arts, sents, ents, evts = [], [], [], [], []
    for n, (aid, text) in enumerate(articles.items()):
        doc_id = f"doc_{n}"
        docs.append(dict(doc_id=doc_id, source_path=f"{n}.txt", content_sha256=f"sha{n}", n_bytes=len(text.encode()),
                         status="ok", text=text, ingested_run_id=run_id))
        spans = sentence_spans(text)
        arts.append(dict(article_id=aid, doc_ids=[doc_id], title=text[:spans[0][1]], text=text,
                         body_start=spans[1][0], published_date=dt.date(2019, 3, 1), date_precision="day",
                         captions=[], n_paragraphs=2, n_sentences=len(spans), run_id=run_id))
        for idx, (s, e) in enumerate(spans):
            sents.append(dict(article_id=aid, sentence_idx=idx, paragraph_idx=min(idx, 1), start=s, end=e,
                              text=text[s:e], run_id=run_id))
            for surface, (eid, lat, lon) in PLACES.items():
                pos = text.find(surface, s, e)
                if pos >= 0:
                    ents.append(dict(mention_id=f"m_{aid}_{pos}", article_id=aid, sentence_idx=idx, start=pos,
                                     end=pos + len(surface), surface=surface, type="LOC", entity_id=eid,
                                     canonical_name=surface, confidence=0.9, method="test", lat=lat, lon=lon,
                                     country_code="IQ" if eid == "loc_mosul" else "SY", run_id=run_id))
            for surface, eid in PEOPLE.items():
                pos = text.find(surface, s, e)
                if pos >= 0:
                    ents.append(dict(mention_id=f"m_{aid}_{pos}", article_id=aid, sentence_idx=idx, start=pos,
                                     end=pos + len(surface), surface=surface,
                                     type="PERSON" if eid.startswith("per") else "ORG", entity_id=eid,
                                     canonical_name=surface, confidence=0.8, method="test", run_id=run_id))
        for trigger, etype in (("فر", "ESCAPE"), ("غارة جوية", "ATTACK")):
            for idx, (s, e) in enumerate(spans[1:], start=1):
                pos = text.find(trigger, s, e)
                if pos < 0:
                    continue
                in_sentence = [m for m in ents if m["article_id"] == aid and m["sentence_idx"] == idx]
                actors = [m["entity_id"] for m in in_sentence if m["type"] != "LOC"]
                places = [m["entity_id"] for m in in_sentence if m["type"] == "LOC"]
                evts.append(dict(event_id=f"ev_{aid}_{pos}", article_id=aid, sentence_idx=idx, start=s, end=e,
                                 trigger=trigger, trigger_start=pos, trigger_end=pos + len(trigger),
                                 event_type=etype, actor_entity_ids=actors, target_entity_ids=[],
                                 location_entity_id=places[0] if places else None, event_date=dt.date(2019, 2, 28),
                                 date_precision="day", modality="reported", confidence=0.7, method="test",
                                 run_id=run_id))
    entities = frame("entities", ents)
    catalog = (entities.group_by("entity_id").agg(
        pl.col("canonical_name").first(), pl.col("type").first(), pl.col("surface").unique().sort().alias("aliases"),
        pl.len().cast(pl.Int64).alias("mention_count"), pl.col("lat").first(), pl.col("lon").first(),
        pl.col("country_code").first()).with_columns(run_id=pl.lit(run_id)).sort("entity_id"))
    return dict(documents=frame("documents", docs), segments=frame("segments", []), articles=frame("articles", arts),
                sentences=frame("sentences", sents), entities=entities,
                entity_catalog=frame("entity_catalog", catalog.to_dicts()), events=frame("events", evts))


def run_row(run_id: str, **extra) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    return dict(dict(run_id=run_id, flow_run_id=None, started_at=now, finished_at=now, status="published",
                     code_version="0", git_commit=None, contract_version="1", parameters={},
                     input_manifest_hash="x", counts={}, validation_summary="{}"), **extra)


def publish_run(out, run_id: str, articles: dict[str, str] | None = None, **kw) -> dict[str, int]:
    """Validate and publish make_tables(run_id, articles) as one snapshot."""
    import json

    from tasks.publish import publish
    from tasks.validate import validate

    clean, quarantine, report = validate(make_tables(run_id, articles), run_id)
    return publish(out, dict(clean, quarantine=quarantine),
                   run_row(run_id, validation_summary=json.dumps(report, default=str)), **kw)
