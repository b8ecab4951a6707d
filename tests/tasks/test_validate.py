"""Validate: every kind of contract violation lands in quarantine; critical ones raise."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.contracts import (ENUMS, RANGES, REFERENCES, SCHEMAS, SPANS, data_dictionary)
from tasks.validate import CHECK_ORDER, OPTIONAL, ValidationError, validate
from tests.snapshot_tables import make_tables


def set_cell(df: pl.DataFrame, row: int, col: str, value) -> pl.DataFrame:
    """Return df with one cell replaced (the column keeps its dtype)."""
    return df.with_columns(pl.when(pl.int_range(pl.len()) == row).then(pl.lit(value, dtype=df.schema[col]))
                           .otherwise(pl.col(col)).alias(col))


def key_of(t, table, row):
    from akhbar.contracts import KEYS
    return "|".join(str(t[table][row, k]) for k in KEYS[table])


# (table, row, column, bad value, expected check)
VIOLATIONS = [
    ("entities", 0, "canonical_name", None, "not_null:canonical_name"),
    ("documents", 1, "status", "lost", "enum:status"),
    ("entities", 2, "type", "WEAPON", "enum:type"),
    ("events", 0, "modality", "rumoured", "enum:modality"),
    ("articles", 1, "date_precision", "week", "enum:date_precision"),
    ("entities", 0, "lat", 123.0, "range:lat"),
    ("entities", 1, "lon", -200.0, "range:lon"),
    ("events", 1, "confidence", 1.5, "range:confidence"),
    ("entity_catalog", 0, "lat", float("nan"), "range:lat"),
    ("entities", 3, "surface", "الرقة!", "span:start..end"),
    ("sentences", 2, "end", 10_000, "span:start..end"),
    ("events", 0, "trigger_start", 3, "span:trigger_start..trigger_end"),
    ("events", 1, "end", -1, "span:start..end"),
    ("entities", 4, "article_id", "art_ghost", "reference:article_id"),
    ("entities", 4, "sentence_idx", 99, "reference:article_id+sentence_idx"),
    ("entities", 5, "entity_id", "per_ghost", "reference:entity_id"),  # the only mention of its entity
    ("events", 0, "actor_entity_ids", ["per_ghost"], "reference:actor_entity_ids"),
    ("events", 0, "location_entity_id", "loc_atlantis", "reference:location_entity_id"),
    ("events", 1, "source_entity_id", "org_nobody", "reference:source_entity_id"),
    ("articles", 0, "doc_ids", ["doc_missing"], "reference:doc_ids"),
    ("events", 0, "event_date", dt.date(2999, 1, 1), "date_plausible:event_date"),
    ("articles", 1, "published_date", dt.date(1850, 1, 1), "date_plausible:published_date"),
    ("events", 1, "date_precision", "unknown", "date_precision:event_date"),
    ("articles", 0, "published_date", None, "date_precision:published_date"),
    ("articles", 1, "n_sentences", 7, "count:n_sentences"),
    ("entity_catalog", 2, "mention_count", 42, "count:mention_count"),
]


@pytest.mark.parametrize("table,row,col,value,check", VIOLATIONS, ids=[v[4] + "@" + v[0] for v in VIOLATIONS])
def test_violation_lands_in_quarantine(table, row, col, value, check):
    t = make_tables()
    key = key_of(t, table, row)
    t[table] = set_cell(t[table], row, col, value)
    clean, quarantine, report = validate(t, "r1", max_failure_share=1.0)
    hit = quarantine.filter((pl.col("table") == table) & (pl.col("check") == check))
    assert hit["row_key"].to_list() == [key], quarantine
    assert hit["run_id"].to_list() == ["r1"] and hit["detail"][0]
    assert clean[table].height == t[table].height - 1
    assert report["checks"][f"{table}/{check}"] == 1
    assert report["examples"][f"{table}/{check}"][0]["row_key"] == key


def test_clean_tables_pass_untouched():
    t = make_tables()
    clean, quarantine, report = validate(t, "r1")
    assert quarantine.is_empty() and report["quarantined"] == 0
    for name in CHECK_ORDER:
        assert clean[name].equals(t[name])


def test_non_arabic_article_cascades_to_its_rows():
    t = make_tables(articles={"art_a": make_tables().get("articles")["text"][0],
                              "art_en": "Coalition strike on Raqqa\nThe coalition struck Raqqa. Nobody died."})
    clean, quarantine, report = validate(t, "r1", max_failure_share=1.0)
    assert quarantine.filter(pl.col("table") == "articles")["check"].to_list() == ["text_arabic:text"]
    assert clean["articles"]["article_id"].to_list() == ["art_a"]
    orphans = quarantine.filter(pl.col("table") == "sentences")
    assert orphans.height == 3 and set(orphans["check"]) == {"reference:article_id"}
    assert set(clean["sentences"]["article_id"]) == {"art_a"}


def test_empty_article_text():
    t = make_tables()
    t["articles"] = set_cell(t["articles"], 1, "text", "   ")
    _, quarantine, _ = validate(t, "r1", max_failure_share=1.0)
    assert "text_non_empty:text" in quarantine.filter(pl.col("table") == "articles")["check"].to_list()
    # the article's spans no longer slice its text
    assert quarantine.filter(pl.col("table") == "sentences").height == 3


def test_failure_share_blocks_publish():
    t = make_tables()
    t["entities"] = t["entities"].with_columns(type=pl.lit("WEAPON"))
    with pytest.raises(ValidationError, match="failed validation") as exc:
        validate(t, "r1", max_failure_share=0.05)
    assert exc.value.check == "entities/enum:type"
    import pickle
    again = pickle.loads(pickle.dumps(exc.value))
    assert (str(again), again.check, again.report) == (str(exc.value), exc.value.check, exc.value.report)
    assert exc.value.report["checks"]["entities/enum:type"] == t["entities"].height


def test_duplicate_key_is_critical():
    t = make_tables()
    t["articles"] = pl.concat([t["articles"], t["articles"].head(1)])
    with pytest.raises(ValidationError, match="key check failed for table 'articles'") as exc:
        validate(t, "r1", max_failure_share=1.0)
    assert exc.value.check == "key"


def test_missing_column_is_critical():
    t = make_tables()
    t["events"] = t["events"].drop("modality")
    with pytest.raises(ValidationError, match=r"table 'events': missing columns \['modality'\]"):
        validate(t, "r1", max_failure_share=1.0)


def test_uncastable_type_is_critical():
    t = make_tables()
    t["sentences"] = t["sentences"].with_columns(pl.col("start").cast(pl.String) + "x")
    with pytest.raises(ValidationError, match="column 'start' is String") as exc:
        validate(t, "r1", max_failure_share=1.0)
    assert exc.value.check == "schema"


def test_castable_type_is_cast_and_extra_columns_reported():
    t = make_tables()
    t["sentences"] = t["sentences"].with_columns(pl.col("start").cast(pl.Int32))
    t["documents"] = t["documents"].with_columns(is_new=pl.lit(True))
    clean, _, report = validate(t, "r1")
    assert clean["sentences"].schema["start"] == pl.Int64
    assert report["ignored_columns"] == {"documents": ["is_new"]}


def test_missing_table_is_critical():
    t = make_tables()
    del t["entity_catalog"]
    with pytest.raises(ValidationError, match="candidate tables missing"):
        validate(t, "r1")


def test_rules_name_real_columns_and_parents_come_first():
    for (table, col) in list(ENUMS) + list(RANGES):
        assert col in SCHEMAS[table].names, (table, col)
    for table, s, e, x in SPANS:
        assert {s, e, x or s, "article_id"} <= set(SCHEMAS[table].names)
    for table, cols, ref, ref_cols in REFERENCES:
        assert set(cols) <= set(SCHEMAS[table].names) and set(ref_cols) <= set(SCHEMAS[ref].names)
        order = CHECK_ORDER + OPTIONAL
        assert order.index(ref) < order.index(table), (table, ref)


def test_data_dictionary_lists_every_column_and_rule():
    md = data_dictionary()
    for name, schema in SCHEMAS.items():
        assert f"## `{name}`" in md
        assert all(f"| `{c}` |" in md for c in schema.names)
    assert "asserted, claimed, reported" in md and "-90..90" in md


# Text with the characters that break naive offsets: tashkeel, tatweel, hamza forms,
# bidi marks, presentation forms, astral symbols.
ARABIC_ALPHABET = "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئىة" + "\u064b\u064e\u0650\u0651\u0640\u200f\ufefb" + " .،🙂"


@settings(max_examples=40, deadline=None)
@given(text=st.text(alphabet=ARABIC_ALPHABET, min_size=1, max_size=40), data=st.data())
def test_span_check_agrees_with_python_slicing(text, data):
    full = "الموصل " + text  # keeps the article mainly Arabic
    start = data.draw(st.integers(0, len(full)))
    end = data.draw(st.integers(start, len(full) + 2))
    surface = data.draw(st.one_of(st.just(full[start:end]), st.text(alphabet=ARABIC_ALPHABET, max_size=5)))
    t = make_tables()
    t["articles"] = set_cell(t["articles"], 0, "text", full)
    for col, value in (("start", start), ("end", end), ("surface", surface)):
        t["entities"] = set_cell(t["entities"], 0, col, value)
    _, quarantine, _ = validate(t, "r1", max_failure_share=1.0)
    flagged = quarantine.filter((pl.col("check") == "span:start..end")
                                & (pl.col("row_key") == t["entities"]["mention_id"][0])).height == 1
    assert flagged == (end > len(full) or full[start:end] != surface)


def test_span_checks_in_batches_of_articles_find_the_same_failures(monkeypatch):
    """The span checks slice article texts a batch of articles at a time (bounded memory): with
    batches of one article, bad spans in several articles are found exactly as in one batch."""
    import tasks.validate as validate_module

    t = make_tables()
    assert t["articles"].height >= 2
    for row in range(t["entities"].height):          # every other mention's surface is wrong
        if row % 2 == 0:
            t["entities"] = set_cell(t["entities"], row, "surface", "خطأ")
    t["sentences"] = set_cell(t["sentences"], t["sentences"].height - 1, "end", 10_000)   # outside its article
    _, whole, _ = validate(t, "r1", max_failure_share=1.0)
    monkeypatch.setattr(validate_module, "SPAN_BATCH_ARTICLES", 1)
    _, batched, _ = validate(t, "r1", max_failure_share=1.0)
    spans = whole.filter(pl.col("check").str.starts_with("span:"))
    assert spans.filter(pl.col("table") == "entities").height == (t["entities"].height + 1) // 2
    assert spans.filter(pl.col("table") == "sentences").height == 1
    assert sorted(batched.rows()) == sorted(whole.rows())


def validated_by_partition(t: dict, n: int, max_failure_share: float = 1.0, doc_rows: int | None = None):
    """validate_parts over `t` with its article tables cut into n article partitions (and with
    `doc_rows`, the documents given in row slices of that size)."""
    from flows.partitions import partition_of
    from tasks.validate import ARTICLE_TABLES, validate_parts

    whole = {k: v for k, v in t.items() if k not in ARTICLE_TABLES}
    sliced = {}
    if doc_rows:
        docs = whole.pop("documents")
        sliced["documents"] = lambda columns=None: (iter([docs.select(columns)]) if columns is not None else
                                                    (docs.slice(i, doc_rows) for i in range(0, docs.height, doc_rows)))
    tagged = {k: t[k].with_columns(partition_of(t[k]["article_id"], n).alias("_p")) for k in ARTICLE_TABLES}
    parts = sorted(tagged["articles"]["_p"].unique().to_list())
    emitted: dict[str, list[pl.DataFrame]] = {}

    def read(name, p, columns=None):
        rows = tagged[name].filter(pl.col("_p") == p).drop("_p")
        return rows if columns is None else rows.select(columns)

    def emit(name, p, clean):
        emitted.setdefault(name, []).append(clean)

    clean, quarantine, report = validate_parts(whole, read, parts, emit, "r1", max_failure_share, sliced=sliced)
    clean.update({k: pl.concat(v) for k, v in emitted.items()})
    return clean, quarantine, report, parts


def with_every_violation() -> dict:
    """make_tables with every violation of VIOLATIONS at once, and an English article (a cascade)."""
    from tests.snapshot_tables import MORE

    t = make_tables(articles=dict(MORE, art_en="Coalition strike on Raqqa\nThe coalition struck Raqqa. Nobody died."))
    for table, row, col, value, _ in VIOLATIONS:
        if row < t[table].height:
            t[table] = set_cell(t[table], row, col, value)
    return t


@pytest.mark.parametrize("n", [1, 2, 5])
def test_validation_by_article_partition_finds_the_same_failures_and_rows(n):
    """validate_parts (one article partition at a time, flows/steps.py on spilled tables) quarantines
    exactly what validate does on whole tables and keeps the same clean rows, failures spread over
    several partitions, cascades (an English article's sentences) included."""
    from akhbar.contracts import KEYS

    t = with_every_violation()
    clean, quarantine, report = validate(t, "r1", max_failure_share=1.0)
    clean_p, quarantine_p, report_p, parts = validated_by_partition(t, n)
    assert len(parts) > 1 or n == 1
    assert quarantine.height >= len(VIOLATIONS)
    assert sorted(quarantine_p.rows()) == sorted(quarantine.rows())
    for name, frame in clean.items():
        key = list(KEYS[name])
        assert clean_p[name].sort(key).equals(frame.sort(key)), name
    for field in ("rows_in", "rows_out", "quarantined", "failures", "failure_share", "checks", "ignored_columns"):
        assert report_p[field] == report[field], field


@pytest.mark.parametrize("doc_rows", [1, 2, 1000])
def test_documents_checked_in_row_slices_give_the_same_failures_and_clean_keys(doc_rows):
    """The documents read a row slice at a time (a run's spilled documents: all input text) give the
    quarantine and report of whole-table validation; their clean entry is the key of the clean rows."""
    t = with_every_violation()
    t["documents"] = pl.concat([t["documents"], t["documents"].head(1).with_columns(doc_id=pl.lit("doc_bad"),
                                                                                    n_bytes=pl.lit(-1, pl.Int64))])
    clean, quarantine, report = validate(t, "r1", max_failure_share=1.0)
    clean_s, quarantine_s, report_s, _ = validated_by_partition(t, 3, doc_rows=doc_rows)
    assert quarantine.filter(pl.col("table") == "documents").height >= 2    # status 'lost' and n_bytes -1
    assert sorted(quarantine_s.rows()) == sorted(quarantine.rows())
    assert clean_s["documents"].columns == ["doc_id"]
    assert clean_s["documents"]["doc_id"].sort().equals(clean["documents"]["doc_id"].sort())
    for name in ("segments", "articles", "sentences"):
        assert clean_s[name].height == clean[name].height, name
    for field in ("rows_in", "rows_out", "quarantined", "failures", "checks", "ignored_columns"):
        assert report_s[field] == report[field], field


def test_documents_in_row_slices_still_refuse_a_duplicate_key():
    t = make_tables()
    t["documents"] = pl.concat([t["documents"], t["documents"].tail(1)])
    with pytest.raises(ValidationError, match="duplicate key.*documents|documents.*duplicate key"):
        validated_by_partition(t, 2, doc_rows=1)


def test_validation_by_partition_still_refuses_duplicate_keys_and_too_many_failures():
    t = make_tables()
    t["sentences"] = pl.concat([t["sentences"], t["sentences"].head(1)])
    with pytest.raises(ValidationError, match="duplicate key"):
        validated_by_partition(t, 3)
    t = make_tables()
    t["entities"] = t["entities"].with_columns(type=pl.lit("WEAPON"))
    with pytest.raises(ValidationError, match="failed validation"):
        validated_by_partition(t, 3, max_failure_share=0.05)


def test_keys_checked_in_parts_read_one_part_at_a_time():
    """check_keys_in_parts takes the parts as a generator: each part is hashed before the next is
    read (a part or two alive, never all parts' key strings at once), and a key repeated across two parts is still refused."""
    import gc
    import weakref

    from tasks.validate import check_keys_in_parts

    parts = [pl.DataFrame({"mention_id": [f"m{p}_{i}" for i in range(5)]}) for p in range(6)]
    alive: list = []

    def read():
        for p in parts:
            frame = p.clone()
            gc.collect()
            assert sum(r() is not None for r in alive) <= 2, "earlier parts are still held"   # a list: 5
            alive.append(weakref.ref(frame))
            yield frame
    check_keys_in_parts("entities", read)
    assert len(alive) == 6
    parts[5] = pl.DataFrame({"mention_id": ["m3_0", "m0_2"]})          # m0_2 is in part 0 too
    with pytest.raises(ValidationError, match="duplicate key"):     # (a hash collision reads all keys again)
        check_keys_in_parts("entities", lambda: iter(parts))
