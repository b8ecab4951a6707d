"""Cross-article clusters: events of one type, place, compatible date and actor."""

from __future__ import annotations

import polars as pl

from akhbar.perf import gc_paused
from akhbar.ids import stable_id
from akhbar.text.normalise import clitic_keys
from akhbar.unionfind import UnionFind
from tasks.events.words import LIST_SEP, _norm

CLUSTER_COLUMNS = ("event_id", "event_type", "article_id", "event_date", "date_precision", "actor_entity_ids", "actor_text",
                   "source_text", *(f"{r}_{k}" for r in ("location", "origin", "destination")
                                    for k in ("entity_id", "text")))


PLACE_ID_COLUMNS = ("location_entity_id", "origin_entity_id", "destination_entity_id")
PLACE_TEXT_COLUMNS = ("location_text", "origin_text", "destination_text")


def _place_key(r: dict) -> str | None:
    for c in PLACE_ID_COLUMNS:               # column names as constants: no string built per row
        if r[c]:
            return r[c]
    return _text_place_key(r)


def _text_place_key(r: dict) -> str | None:
    """The place key of an event placed by text only: its first place text, normalised."""
    for c in PLACE_TEXT_COLUMNS:
        if r[c]:
            return "t:" + _norm(r[c]).replace("ال", "")
    return None



def _date_key(r: dict):
    """The event's own date; a date taken from the publication ('publication') says nothing of
    which happening it is, like no date."""
    return None if r.get("date_precision") == "publication" else r["event_date"]


def _actor_keys(r: dict) -> set[str]:
    """Entity ids plus the bare last word of each actor surface ('أبو بكر البغدادي' ~ 'البغدادي')."""
    keys = set(r["actor_entity_ids"] or [])
    for x in (r["actor_text"] or "").split(LIST_SEP):
        words = _norm(x).split()
        if words:
            keys.add("t:" + clitic_keys(words[-1].strip("«»()"))[-1])
    return keys


ROLES = ("location", "origin", "destination")


def cluster_events(events: pl.DataFrame) -> pl.DataFrame:
    """cluster_id and n_sources over a whole events frame (see `cluster_rows`)."""
    if events.is_empty():
        return events
    found = cluster_part(events)
    return events.with_columns(found.get_column("cluster_id"), found.get_column("n_sources"))


@gc_paused
def cluster_part(events: pl.DataFrame) -> pl.DataFrame:
    """event_id, cluster_id, n_sources of these events (one row each, in their order). Clusters never
    cross (event_type, place key), so the events can come in parts cut by `place_bucket`: the ids
    of a part are those of the whole frame (the corpus-wide stage clusters one part at a time)."""
    # column lists zipped into dicts: several times cheaper than DataFrame.to_dicts at 10^5 rows
    rows = [dict(zip(CLUSTER_COLUMNS, vals)) for vals in zip(*(events.get_column(c).to_list() for c in CLUSTER_COLUMNS))]
    cluster_ids, n_sources = cluster_rows(rows)
    del rows
    return events.select("event_id").with_columns(pl.Series("cluster_id", cluster_ids, pl.String),
                                                  pl.Series("n_sources", n_sources, pl.Int32))


def place_bucket() -> pl.Expr:
    """A hash per event such that events that may share a cluster hash alike: (type, the place key
    `_place_key` takes: the place entity id, else the Python-normalised place text, computed per row);
    events without any place (clusters of one) by their own id. No key but one place's own events
    shares a bucket (the events placed by text hashed by their type alone made one bucket per type
    that grew with the corpus)."""
    def filled(c: str) -> pl.Expr:
        return pl.when(pl.col(c) != "").then(pl.col(c))
    place_id = pl.coalesce(*(filled(f"{r}_entity_id") for r in ROLES))
    has_text = pl.any_horizontal(*(filled(f"{r}_text").is_not_null() for r in ROLES))
    text_key = pl.struct(*PLACE_TEXT_COLUMNS).map_elements(_text_place_key, return_dtype=pl.String)
    return (pl.when(place_id.is_not_null()).then(pl.struct(pl.col("event_type"), place_id.alias("_p")).hash())
            .when(has_text).then(pl.struct(pl.col("event_type"), text_key.alias("_p")).hash())
            .otherwise(pl.col("event_id").hash()))


def cluster_rows(rows: list[dict]) -> tuple[list[str], list[int]]:
    """(cluster_id, n_sources) per event row: events of the same type, place, compatible date
    and compatible actor share a cluster.

    Linear in the number of events: events are bucketed by (type, place key); inside a bucket,
    dated events split by date and undated ones join the bucket's only date (if there is exactly
    one); then events sharing an actor key are united, and events without actor join the first
    actor group. Events without a place form their own cluster. A claim and its denial stay
    separate rows but may share a cluster. n_sources counts the distinct (article, source)
    pairs behind a cluster.
    """
    ids = [r["event_id"] for r in rows]
    order = sorted(range(len(rows)), key=ids.__getitem__)   # the input order never matters (no lambda per row)
    ids, ns = _cluster_sorted([rows[k] for k in order])
    cluster_ids, n_sources = [""] * len(rows), [1] * len(rows)
    for pos, k in enumerate(order):
        cluster_ids[k], n_sources[k] = ids[pos], ns[pos]
    return cluster_ids, n_sources


def _cluster_sorted(rows: list[dict]) -> tuple[list[str], list[int]]:
    """`cluster_rows` over rows already sorted by event_id."""
    sets = UnionFind()
    union, find = sets.union, sets.find

    buckets: dict[tuple, list[int]] = {}
    for k, r in enumerate(rows):
        place = _place_key(r)
        if place:
            buckets.setdefault((r["event_type"], place), []).append(k)
    for members in buckets.values():
        by_date: dict = {}
        for k in members:
            by_date.setdefault(_date_key(rows[k]), []).append(k)
        undated = by_date.pop(None, [])
        if len(by_date) == 1:
            next(iter(by_date.values())).extend(undated)
        elif undated:
            by_date[None] = undated
        for group in by_date.values():
            owner: dict[str, int] = {}
            loose: list[int] = []
            for k in group:
                keys = _actor_keys(rows[k])
                if not keys:
                    loose.append(k)
                for key in keys:
                    if key in owner:
                        union(k, owner[key])
                    else:
                        owner[key] = k
            anchor = next(iter(owner.values()), loose[0] if loose else None)
            for k in loose:
                union(k, anchor)
    clusters: dict[int, list[int]] = {}
    parent = sets.parent
    for k in range(len(rows)):
        clusters.setdefault(find(k) if k in parent else k, []).append(k)   # most events were never united
    cluster_ids, n_sources = [""] * len(rows), [1] * len(rows)
    for members in clusters.values():
        if len(members) == 1:                 # a cluster of one: its own event, one source
            cluster_ids[members[0]] = stable_id("clu", rows[members[0]]["event_id"])
            continue
        cid = stable_id("clu", min(rows[k]["event_id"] for k in members))
        n = len({(rows[k]["article_id"], _norm(rows[k]["source_text"] or "")) for k in members})
        for k in members:
            cluster_ids[k], n_sources[k] = cid, n
    return cluster_ids, n_sources


MAX_LOOKBACK = 20                             # earlier same-type events compared per event
LINKING_RULES = ("nominal-definite", "reference", "participant", "nominal-unanchored", "nominal-generic", "relative-clause")


def assign_article_event_ids(rows: list[dict]) -> None:
    """`article_event_id` on the event rows of one article, in reading order: mentions of one
    happening share it (docs/events.md, "Within-article coreference").

    An event joins an earlier event of the same type in the article when (1) it is a reference
    (salience background by a reference rule: 'الهجوم', 'بعد التفجير', 'المتظاهرين') and joins
    the nearest earlier one, or (2) both share a place, or an actor, and neither has a date the
    other contradicts (a headline, its lead and a re-printed link line). Otherwise it opens a new
    happening. The id is stable: the group's first event id with the prefix aev_."""
    if len(rows) < 2:
        for r in rows:
            r["article_event_id"] = _aev(r["event_id"])
        return
    sets = UnionFind()
    last: dict[str, int] = {}
    by_type: dict[str, list[int]] = {}
    keys = [(_date_key(r), _place_key(r), r) for r in rows]
    for k, r in enumerate(rows):
        etype = r["event_type"]
        earlier = by_type.get(etype)
        if earlier is None:
            earlier = by_type[etype] = []
            match = None
        else:
            match = _last_match(earlier, keys, k)
            if match is None and r["method"].rpartition("salience:")[2] in LINKING_RULES:
                match = last[etype]
        if match is not None:
            sets.union(match, k)
        last[etype] = k
        earlier.append(k)
    for k, r in enumerate(rows):                # the root is the group's first event (smallest index)
        root = sets.find(k) if k in sets.parent else k
        r["article_event_id"] = _aev(rows[root]["event_id"])


def _last_match(earlier: list[int], keys: list[tuple], k: int) -> int | None:
    """The latest of the last MAX_LOOKBACK `earlier` events that is the same happening as event k, or None
    (a loop: no generator per event)."""
    for j in reversed(earlier[-MAX_LOOKBACK:]):
        if _same_happening(keys[j], keys[k]):
            return j
    return None


def _aev(event_id: str) -> str:
    """The article event id named by its first mention's event id (unique, stable, no hashing)."""
    return "aev_" + event_id.partition("_")[2]


def _same_happening(a: tuple, b: tuple) -> bool:
    """a, b: (event_date, place key, row) of two events of one type: same place, or no place
    and a shared actor."""
    (da, pa_, ra), (db, pb, rb) = a, b
    if da and db and da != db:
        return False
    if pa_ or pb:
        return pa_ == pb
    return bool(ra["actor_text"] and rb["actor_text"] and _actor_keys(ra) & _actor_keys(rb))
