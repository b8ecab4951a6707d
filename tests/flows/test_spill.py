"""Spilled partitions (flows/spill.py): partition outputs kept as files give the tables of the
in-memory run; the run holds file lists for the article tables, not frames."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import polars as pl

from akhbar.config import PipelineConfig
from akhbar.contracts import DATA_TABLES, KEYS
from akhbar.lake import read_latest
from flows.graph import concat, run_local, unique_rows
from flows.partitions import partition_of
from flows.pipeline import DAG
from flows.spill import PART, SPILL_DIR, Spilled, materialise, spill_partition, spilled
from flows.steps import split_articles

ARTICLE_TABLES = ("articles", "sentences", "entities", "events")


def bag_for(input_dir, cfg, **extra):
    return dict(input_dir=str(input_dir), run_id="s", cfg=cfg, known_documents=None, **extra)


def test_spilled_run_gives_the_same_tables(seeds_dir, tmp_path):
    """Through quarantine (validate per article partition included), with slices of 5 items: every
    table equal to the in-memory run's; the article tables in key order (publish and readers sort by
    key), the others row for row."""
    cfg = PipelineConfig(partitions=3, batch_rows=5)
    plain = run_local(DAG, bag_for(seeds_dir, cfg), until="quarantine")["tables"]
    bag = run_local(DAG, bag_for(seeds_dir, cfg, **{SPILL_DIR: tmp_path / "spill"}), until="quarantine")
    tables = bag["tables"]
    for name in ARTICLE_TABLES:
        assert isinstance(tables[name], Spilled), name
        assert len(pickle.dumps(tables[name])) < 5000         # file names, not rows
        assert tables[name].height == plain[name].height > 0
    assert plain["events"].height > 0 and plain["incidents"].height > 0
    for name in ("documents", "segments", "entity_catalog", "incidents"):   # every table a file from validate on
        assert isinstance(tables[name], Spilled) and len(pickle.dumps(tables[name])) < 5000, name
    for name, frame in plain.items():
        got = materialise(tables[name])
        if name in ARTICLE_TABLES:
            got, frame = got.sort(list(KEYS[name])), frame.sort(list(KEYS[name]))
        assert got.equals(frame), name
    assert list((tmp_path / "spill").glob("extract-events.events_unclustered.p*.parquet"))
    assert list((tmp_path / "spill").glob("validate.entities.p*.parquet"))


def test_the_documents_are_held_as_a_file_from_mark_new_on(seeds_dir, tmp_path):
    """mark-new's documents (all input text) go to the spill folder: the run holds a file name until a
    reader materialises them; read back they equal the in-memory run's frame."""
    cfg = PipelineConfig(partitions=2)
    plain = run_local(DAG, bag_for(seeds_dir, cfg), until="mark-new")["documents"]
    docs = run_local(DAG, bag_for(seeds_dir, cfg, **{SPILL_DIR: tmp_path / "spill"}), until="mark-new")["documents"]
    assert isinstance(docs, Spilled) and len(pickle.dumps(docs)) < 5000
    assert plain.height > 0 and docs.height == plain.height
    assert docs.frame().equals(plain)
    assert docs.frame(["doc_id", "meta_source"]).equals(plain.select("doc_id", "meta_source"))


def test_a_partition_read_from_spilled_files_equals_the_split(tmp_path):
    """Spilled.partition(p) gives the rows the in-memory split gives partition p, in its order, from
    files written by other partitions (segment's block partitions), regrouped into one file per
    article partition (the block partitions' files removed); frame() the merged whole's rows,
    partition by partition."""
    n = 4
    merge = unique_rows("sentences")
    outputs = [pl.DataFrame({"article_id": [f"a{(i * 7 + k) % 13}" for i in range(6)],
                             "sentence_idx": list(range(6)), "text": [f"s{k}.{i}" for i in range(6)]})
               for k in range(3)]
    files = [spill_partition(tmp_path, "segment", k, (frame,), ("sentences",), n)[0] for k, frame in enumerate(outputs)]
    data = spilled(files, merge, n)
    whole = merge(outputs)
    key = ["article_id", "sentence_idx"]
    assert data.frame().sort(key).equals(whole.sort(key)) and data.height == whole.height
    assert PART not in data.frame().columns
    articles = whole.select("article_id").unique(maintain_order=True)
    split = split_articles(dict(articles=articles, sentences=whole), n)
    assert sorted(split) == list(data.partitions)
    assert data.by_part and len(data.files) == len(split) and not any(Path(f).exists() for f in files)
    for p, inputs in split.items():
        assert data.partition(p).equals(inputs["sentences"]), p
        assert pl.read_parquet(data.files[data.partitions.index(p)]).get_column(PART).unique().to_list() == [p]
    assert data.frame().equals(pl.concat([split[p]["sentences"] for p in sorted(split)]))
    assert data.frame(["text"]).equals(data.frame().select("text"))


def set_by_key(frame: pl.DataFrame, extra: pl.DataFrame, key: str) -> pl.DataFrame:
    """The oracle: `extra`'s columns set on the in-memory frame by `key` (replaced in place or appended)."""
    joined = frame.select(key).join(extra, on=key, how="left", maintain_order="left")
    return frame.with_columns(joined.get_column(c) for c in extra.columns if c != key)


def test_joined_columns_replace_or_extend_the_rows(tmp_path):
    frame = pl.DataFrame({"event_id": ["e2", "e1", "e3"], "article_id": ["a", "b", "a"],
                          "cluster_id": [None, None, None]}, schema_overrides={"cluster_id": pl.String})
    data = spilled([spill_partition(tmp_path, "x", 0, (frame,), ("events",), 2)[0]], unique_rows("events"), 2)
    ids = pl.DataFrame({"event_id": ["e1", "e2", "e3"], "cluster_id": ["c1", "c2", "c1"], "n_sources": [2, 1, 2]})
    got = data.joined(ids, "event_id", "events").frame()
    assert got.columns == ["event_id", "article_id", "cluster_id", "n_sources"]
    assert got["cluster_id"].to_list() == ["c2", "c1", "c1"] and got["n_sources"].to_list() == [1, 2, 2]


def _events_of_two_partitions(tmp_path):
    """Events of two partitions from three stage partitions, one event id produced twice (e1), one
    event (e9) that the id frames below leave without a cluster row."""
    n = 2
    outputs = [pl.DataFrame({"event_id": ids, "article_id": arts, "cluster_id": [None] * len(ids)},
                            schema_overrides={"cluster_id": pl.String})
               for ids, arts in ((["e4", "e1"], ["kafr", "tell"]), (["e2", "e1"], ["suq", "tell"]), (["e9"], ["wadi"]))]
    files = [spill_partition(tmp_path, "extract-events", k, (f,), ("events",), n)[0] for k, f in enumerate(outputs)]
    return spilled(files, unique_rows("events"), n)


def test_joined_columns_are_written_into_each_file_and_read_by_key(tmp_path):
    """Spilled.joined gives the frame with the columns set by key, read whole, by partition or in columns,
    from files that carry the columns (no side file read by every reader): events of two partitions from
    three stage partitions, one event id produced twice, one event with no cluster row."""
    data = _events_of_two_partitions(tmp_path)
    extra = pl.DataFrame({"event_id": ["e1", "e2", "e4"], "cluster_id": ["k1", "k2", "k1"], "n_sources": [2, 1, 2]})
    joined = data.joined(extra, "event_id", "cluster-events.events")
    assert all("cluster-events.events" in f for f in joined.files)
    want = set_by_key(data.frame(), extra, "event_id")
    assert joined.frame().equals(want) and joined.frame()["cluster_id"].null_count() == 1
    assert joined.frame(["event_id", "n_sources"]).equals(want.select("event_id", "n_sources"))
    for p in data.partitions:
        assert joined.partition(p).equals(set_by_key(data.partition(p), extra, "event_id")), p
    written = pl.read_parquet(joined.files[0])
    assert {"cluster_id", "n_sources", PART} <= set(written.columns)


def test_joined_parts_cut_by_partition_equal_joined_with_the_whole_extra_frame(tmp_path):
    """Spilled.joined_parts (cluster-events' ids in bucket parts, each row with its partition) writes the
    same files' rows as `joined` with the parts concatenated: events of two partitions from three stage
    partitions (regrouped, one file per partition), one event id produced twice, one event with no
    cluster row, the ids in parts that mix partitions; no part at all leaves the dataset as it is."""
    data = _events_of_two_partitions(tmp_path)
    assert data.by_part and len(data.partitions) == 2
    extra = pl.DataFrame({"event_id": ["e1", "e2", "e4"], "cluster_id": ["k1", "k2", "k1"], "n_sources": [2, 1, 2]},
                         schema_overrides={"n_sources": pl.Int32})
    parts_of = data.frame(["event_id", PART]).join(extra, on="event_id").select(*extra.columns, PART)
    parts = [parts_of.slice(0, 1), None, parts_of.slice(1, 2)]
    want = data.joined(extra, "event_id", "cluster-events.events")
    got = data.joined_parts(iter(parts), "event_id", "cluster-events.events")
    assert got.partitions == want.partitions and got.frame().equals(want.frame())
    for p in data.partitions:
        assert got.partition(p).equals(want.partition(p)), p
    assert not list((tmp_path).glob("_joined.*"))                    # its temporary files removed
    assert data.joined_parts(iter([None]), "event_id", "x") is data


def test_publish_from_spilled_tables_equals_publish_from_frames(seeds_dir, tmp_path):
    """run_and_publish spills (partition outputs, validation, publish part by part): every published
    table equals the one an in-memory run publishes, and no spill file is left."""
    from flows.local import run_and_publish

    cfg = PipelineConfig(partitions=3)
    run_and_publish(seeds_dir, tmp_path / "spilled", "r1", cfg)
    meta = dict(run_id="r1", flow_run_id=None, started_at=dt.datetime.now(dt.timezone.utc), git_commit=None,
                input_dir=str(seeds_dir), output_dir=str(tmp_path / "plain"))
    run_local(DAG, bag_for(seeds_dir, cfg, run_meta=meta) | {"run_id": "r1"})
    for name in DATA_TABLES:
        a, b = read_latest(tmp_path / "spilled", name), read_latest(tmp_path / "plain", name)
        assert a is not None and a.equals(b), name
    assert not (tmp_path / "spilled" / "_staging").exists() or not any((tmp_path / "spilled" / "_staging").iterdir())


def test_buckets_cut_the_rows_by_key_and_keep_their_order(tmp_path, monkeypatch):
    """Spilled.buckets(by, n): every merged row in exactly one part, all rows of a key in one part, in
    the whole frame's order (shuffled in chunks of 4 rows); n=1 is the whole frame; no bucket file left."""
    import flows.spill as spill

    monkeypatch.setattr(spill, "SHUFFLE_CHUNK_ROWS", 4)
    n = 3
    outputs = [pl.DataFrame({"article_id": [f"a{k}{i % 4}" for i in range(9)], "mention_id": [f"m{k}.{i}" for i in range(9)],
                             "entity_id": [f"e{(i * k) % 5}" for i in range(9)]}) for k in range(3)]
    data = spilled([spill_partition(tmp_path, "x", k, (f,), ("entities",), n)[0] for k, f in enumerate(outputs)],
                   unique_rows("entities"), n)
    whole = data.frame(["entity_id", "mention_id"])
    assert data.rows() == 27
    assert next(data.buckets(pl.col("entity_id").hash(), 1, ["entity_id", "mention_id"])).equals(whole)
    parts = list(data.buckets(pl.col("entity_id").hash(), 4, ["entity_id", "mention_id"]))
    assert len(parts) == 4 and sum(p.height > 0 for p in parts) > 1
    assert sum(p.height for p in parts) == whole.height
    seen = [set(p["entity_id"]) for p in parts]
    assert all(a.isdisjoint(b) for i, a in enumerate(seen) for b in seen[i + 1:])
    for p in parts:
        assert p.equals(whole.filter(pl.col("entity_id").is_in(p["entity_id"].to_list())))
    assert not list(tmp_path.glob("_buckets*"))


def test_catalog_and_clusters_one_bucket_at_a_time_equal_the_whole_corpus_pass(seeds_dir, tmp_path, monkeypatch):
    """With buckets of a few rows (many parts), the spilled run's catalog, clustered events and
    incidents equal the in-memory run's."""
    import flows.spill as spill
    import flows.steps as steps

    cfg = PipelineConfig(partitions=3)
    plain = run_local(DAG, bag_for(seeds_dir, cfg), until="incidents")
    monkeypatch.setattr(steps, "CATALOG_BUCKET_ROWS", 20)
    monkeypatch.setattr(steps, "CLUSTER_BUCKET_ROWS", 5)
    monkeypatch.setattr(steps, "INCIDENT_BUCKET_ROWS", 4)
    monkeypatch.setattr(spill, "SHUFFLE_CHUNK_ROWS", 7)
    bag = run_local(DAG, bag_for(seeds_dir, cfg, **{SPILL_DIR: tmp_path / "spill"}), until="incidents")
    assert steps.n_buckets(bag["entities"].rows(), 20) > 3 and steps.n_buckets(bag["events"].rows(), 5) > 3
    assert isinstance(bag["entity_catalog"], Spilled) and isinstance(bag["incidents"], Spilled)   # files, not rows
    assert plain["entity_catalog"].height > 0 and materialise(bag["entity_catalog"]).equals(plain["entity_catalog"])
    assert plain["events"]["n_sources"].max() > 1
    assert materialise(bag["events"]).sort("event_id").equals(plain["events"].sort("event_id"))
    assert plain["incidents"].height > 0 and materialise(bag["incidents"]).equals(plain["incidents"])

def test_a_rowwise_dataset_is_read_in_bounded_slices(tmp_path, monkeypatch):
    """A dataset whose merge only concatenates (the documents, validated tables) yields parts of whole
    row groups (PART_ROWS rows each) up to PART_BYTES, or of `rows` rows; together they are the frame,
    in order. A dataset
    with another merge (rows of one article across a file) still yields whole files."""
    import flows.spill as spill

    monkeypatch.setattr(spill, "PART_ROWS", 4)
    frame = pl.DataFrame({"doc_id": [f"d{i:02d}" for i in range(11)], "text": [f"نص {i}" for i in range(11)]})
    path = tmp_path / "docs.parquet"
    spill.write_rows(frame, path)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(path).metadata.num_row_groups == 3
    rowwise = Spilled((str(path),), concat, rowwise=True)
    parts = list(rowwise.parts(rows=4))
    assert [p.height for p in parts] == [4, 4, 3]
    assert pl.concat(parts).equals(frame)
    assert [p.height for p in rowwise.parts(rows=10)] == [10, 1]
    monkeypatch.setattr(spill, "PART_BYTES", 1)                 # one row group a part, at least
    assert [p.height for p in rowwise.parts()] == [4, 4, 3]
    monkeypatch.setattr(spill, "PART_BYTES", 10 ** 9)           # every group in one part
    assert [p.height for p in rowwise.parts()] == [11]
    assert [p.height for p in Spilled((str(path),), concat).parts()] == [11]


def test_height_of_a_rowwise_dataset_comes_from_the_footers(tmp_path, monkeypatch):
    """A row-wise dataset's height is its files' rows, read from the parquet footers without a column
    (publish counts every table: reading their keys held the mentions' keys whole); another merge
    (a key kept once) still counts the merged rows."""
    frames = [pl.DataFrame({"article_id": [f"a{i}", "a0"], "text": ["نص", "خبر"]}) for i in range(3)]
    paths = []
    for i, f in enumerate(frames):
        paths.append(str(tmp_path / f"t.p{i}.parquet"))
        f.write_parquet(paths[-1])
    merged = Spilled(tuple(paths), unique_rows("articles"))
    assert merged.height == 3                                   # a0 kept once
    rowwise = Spilled(tuple(paths), concat, rowwise=True)
    monkeypatch.setattr(Spilled, "_scan", lambda self: (_ for _ in ()).throw(AssertionError("columns read")))
    assert rowwise.height == 6 == pl.concat(frames).height


def test_keep_copies_the_rows_of_the_kept_keys_in_order(tmp_path):
    frame = pl.DataFrame({"doc_id": [f"d{i}" for i in range(6)], "text": [f"نص {i}" for i in range(6)]})
    path = tmp_path / "docs.parquet"
    frame.write_parquet(path)
    data = Spilled((str(path),), concat, rowwise=True)
    kept = data.keep(pl.DataFrame({"doc_id": ["d4", "d1", "d5"]}), tmp_path / "kept.parquet")
    assert kept.files == (str(tmp_path / "kept.parquet"),) and kept.rowwise
    assert kept.frame().equals(frame.filter(pl.col("doc_id").is_in(["d1", "d4", "d5"])))


def test_validate_reads_spilled_documents_in_slices_and_drops_their_failed_rows(tmp_path, monkeypatch):
    """steps.validate on spilled tables (documents in row slices of 1): the quarantine and clean
    rows of validation over whole frames; the clean documents are a file without the failed row,
    or the spilled file itself when no document failed."""
    import flows.spill as spill
    from flows import steps
    from tasks.validate import validate
    from tests.snapshot_tables import make_tables

    monkeypatch.setattr(spill, "PART_ROWS", 1)
    t = make_tables()
    t["documents"] = pl.concat([t["documents"], t["documents"].head(1).with_columns(
        doc_id=pl.lit("doc_bad"), status=pl.lit("lost"))])
    clean, quarantine, report = validate(t, "r1", max_failure_share=1.0)
    n = 3
    docs = spill_partition(tmp_path, "mark-new", 0, (t["documents"],), ("documents",), 1)[0]
    parted = {name: spilled([spill_partition(tmp_path, "x", p, (t[name].filter(partition_of(t[name]["article_id"], n) == p),),
                                             (name,), n)[0] for p in range(n)], concat, n)
              for name in ARTICLE_TABLES}
    cfg = PipelineConfig(partitions=n, max_failure_share=1.0)
    validated, quarantine_s, report_s = steps.validate(spilled([docs], concat, 1, rowwise=True), t["segments"],
                                                       **parted, entity_catalog=t["entity_catalog"], run_id="r1", cfg=cfg)
    assert quarantine.filter(pl.col("table") == "documents").height == 1
    assert sorted(quarantine_s.rows()) == sorted(quarantine.rows())
    assert report_s["rows_out"] == report["rows_out"]
    assert isinstance(validated["documents"], Spilled) and validated["documents"].files != (docs,)
    assert validated["documents"].frame().equals(clean["documents"])
    good = spill_partition(tmp_path, "mark-new", 1, (clean["documents"],), ("documents",), 1)[0]
    validated, _, _ = steps.validate(spilled([good], concat, 1, rowwise=True), t["segments"], **parted,
                                     entity_catalog=t["entity_catalog"], run_id="r1", cfg=cfg)
    assert validated["documents"].files == (good,)
