"""The reliability campaign's files all in one input folder: the run goes on and publishes the good ones.

Each bad file alone used to fail the whole run (or hang it, or blow its memory). Here they sit
beside two good stories; every stage runs in-process (ingest -> dedupe -> segment -> entities ->
events -> validate) and must not raise; every path gets a documents row.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import threading
from pathlib import Path

import polars as pl

from flows.local import run_stages
from tasks.validate import validate

GOOD = ["قال الوزير في بغداد اليوم إن الحكومة العراقية ستعقد اجتماعا لبحث الأوضاع الأمنية في المحافظات الشمالية.",
        "أعلنت وزارة الصحة في دمشق أن المستشفيات استقبلت عشرات المصابين بعد العاصفة التي ضربت المدينة أمس."]


def campaign_folder(root: Path) -> Path:
    folder, outside = root / "in", root / "outside"
    folder.mkdir()
    outside.mkdir()
    (folder / "good1.txt").write_text(GOOD[0])
    (folder / "good2.jsonl").write_text(json.dumps({"text": GOOD[1]}, ensure_ascii=False) + "\n")
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (folder / "deep_field.jsonl").write_text('{"text": "x", "n": ' + "[" * 5000 + "]" * 5000 + "}\n")
    (folder / "bigint.json").write_text('[{"text": "%s", "id": %s}]' % (GOOD[0], "7" * 5000))
    (folder / "surrogate.json").write_text('[{"text": "%s \\ud800", "\\udfff": 1}]' % GOOD[1])
    (folder / "sep.jsonl").write_text(json.dumps({"text": GOOD[0] + "\u2028" + "\u0085"}, ensure_ascii=False) + "\n")
    (folder / "cut.txt").write_bytes(GOOD[1].encode("utf-8")[:-2])    # '.' and half of the last letter
    rng = random.Random(3)
    (folder / "random.txt").write_bytes(bytes(rng.randrange(128, 256) for _ in range(2000)))
    (folder / "oneword.txt").write_text("ب" * 33_500)
    pl.DataFrame({"text": [GOOD[0]] * 1_000_000}).write_parquet(folder / "million.parquet")
    (outside / "secret.txt").write_text(GOOD[0] + " سر")
    (folder / "external.txt").symlink_to(outside / "secret.txt")
    (folder / "sub").mkdir()
    (folder / "dirlink").symlink_to(folder / "sub", target_is_directory=True)
    if hasattr(os, "mkfifo"):
        os.mkfifo(folder / "pipe.jsonl")
    try:
        (folder / os.fsdecode(b"name-\xff.txt")).write_text(GOOD[0] + " اسم")
    except OSError:
        pass
    return folder


def test_campaign_files_do_not_stop_the_run(tmp_path: Path):
    folder = campaign_folder(tmp_path)
    result: dict = {}
    t = threading.Thread(target=lambda: result.update(tables=run_stages(folder, "camp")), daemon=True)
    t.start()
    t.join(120)
    assert "tables" in result, "the run hung or raised (see the thread's traceback above)"
    tables = result["tables"]
    docs = tables["documents"]
    status = dict(zip(docs["source_path"], docs["status"]))
    for path in ("deep.json", "deep_field.jsonl", "bigint.json", "random.txt", "million.parquet", "external.txt",
                 "dirlink") + (("pipe.jsonl",) if hasattr(os, "mkfifo") else ()):
        assert status[path] == "rejected", (path, status)
    for path in ("good1.txt", "good2.jsonl", "surrogate.json", "sep.jsonl", "cut.txt", "oneword.txt"):
        assert path in status, path
    assert "sub" not in status                      # an empty folder is not an input
    reasons = dict(zip(docs["source_path"], docs["reason"]))
    assert reasons["random.txt"].startswith("undecodable")
    assert reasons["cut.txt"] == "repaired: truncated utf-8 (incomplete last character dropped)"
    assert tables["articles"].height >= 2
    clean, quarantine, report = validate(tables, "camp", max_failure_share=1.0, as_of=dt.datetime(2026, 12, 6))
    assert not quarantine.filter(pl.col("check").str.starts_with("validate_error")).height
    assert clean["articles"].height >= 2
    for df in clean.values():                       # every string encodes (publishable)
        df.write_ipc(tmp_path / "check.arrow")
