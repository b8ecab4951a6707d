"""`akhbar eval events --gsr DIR`: sentence-level detection against arabic_event_gsr (docs/events.md).

The folder holds `assault_gsr.csv` / `protest_gsr.csv` (id, event_type, label, ..., text) and the
span files `assault_spans.json` / `protest_spans.json` (openeventdata/arabic_event_gsr, MIT; the
dev half lives in ../shared/data/arabic_event_gsr_dev, the other half is a blind test).

1. Every sentence becomes one record of a jsonl file in a temporary input folder and the whole
   pipeline runs on it (flows.local.run_stages): what is scored is what a run publishes.
2. A sentence is predicted positive for a type when it has an event of that type (ASSAULT or
   PROTEST) with a factual modality (asserted, claimed, reported, accused) and salience `main`.
   Labels `yes` are positive, `easy no` / `difficult no` negative, `ambiguous` is left out.
3. Actor / target F1 over the span files: per sentence, the annotators' source (target) spans
   merged when they are the same phrase (interfaces.eval_events.same_phrase) are the gold set;
   the predicted set is the actors (targets) of the qualifying events; a prediction matching a
   gold phrase is a true positive.
4. Split: `check` holds the sentences whose sha1("akhbar-split:" + id) starts with a byte below
   86 (about one third), `tune` the rest. Rules were tuned looking at `tune` errors only; the
   `check` figures are the ones not tuned on. `all` is the whole dev half.
"""

from __future__ import annotations

import csv
import hashlib
import json
import tempfile
from pathlib import Path

from akhbar.gold import prf
from interfaces.eval_events import same_phrase

TYPES = ("ASSAULT", "PROTEST")
FACTUAL = ("asserted", "claimed", "reported", "accused")
LIST_SEP = "؛ "
SPLITS = ("all", "tune", "check")


def split_of(sentence_id: str) -> str:
    """'check' for about a third of the ids (a hash, stable across runs), 'tune' for the rest."""
    return "check" if hashlib.sha1(f"akhbar-split:{sentence_id}".encode()).digest()[0] < 86 else "tune"


def load_sentences(gsr_dir: Path) -> list[dict]:
    """Scored rows (id, event_type, gold bool, text) of every *_gsr.csv; ambiguous labels left out."""
    rows = []
    for path in sorted(Path(gsr_dir).glob("*_gsr.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f):
                label = (r.get("label") or "").strip()
                if label == "ambiguous" or not (r.get("text") or "").strip():
                    continue
                rows.append({"id": r["id"], "event_type": r["event_type"].strip().upper(),
                             "gold": label == "yes", "text": r["text"]})
    return rows


def load_spans(gsr_dir: Path) -> dict[tuple[str, str], dict]:
    """(sentence id, type) -> {'actor': [phrases], 'target': [phrases]} from the *_spans.json files."""
    out: dict[tuple[str, str], dict] = {}
    for path in sorted(Path(gsr_dir).glob("*_spans.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            gold = out.setdefault((item["source"], item["event_type"].upper()), {"actor": [], "target": []})
            for span in item.get("spans", []):
                for arg, key in (("actor", "source_actor"), ("target", "target_actor")):
                    phrase = " ".join(span.get(key) or []).strip()
                    if phrase and not any(same_phrase(phrase, g) for g in gold[arg]):
                        gold[arg].append(phrase)
    return out


def predict(rows: list[dict]) -> dict[str, list[dict]]:
    """Sentence id -> its published events (dicts), running the pipeline on the sentences."""
    return predict_with_texts(rows)[0]


def predict_with_texts(rows: list[dict], cfg=None) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """`predict`, and the article text of every event's article_id (the trainer reads the words)."""
    from flows.local import run_stages

    texts = {}
    for r in rows:
        texts.setdefault(r["id"], r["text"])
    ids = sorted(texts)
    with tempfile.TemporaryDirectory(prefix="akhbar-gsr-") as tmp:
        with (Path(tmp) / "gsr.jsonl").open("w", encoding="utf-8") as f:
            for sid in ids:
                f.write(json.dumps({"id": sid, "text": texts[sid]}, ensure_ascii=False) + "\n")
        tables = run_stages(Path(tmp), cfg=cfg)
    docs = tables["documents"].select("doc_id", "record_idx", "duplicate_of").to_dicts()
    by_doc = {d["doc_id"]: ids[d["record_idx"]] for d in docs if d["record_idx"] is not None}
    kept = {d["doc_id"]: d["duplicate_of"] for d in docs if d["duplicate_of"]}
    article_ids: dict[str, list[str]] = {}
    for aid, doc_ids in tables["articles"].select("article_id", "doc_ids").iter_rows():
        article_ids[aid] = [by_doc[d] for d in doc_ids if d in by_doc]
    for dup, orig in kept.items():            # a duplicate sentence shares the kept copy's events
        for aid, sids in article_ids.items():
            if orig in by_doc and by_doc[orig] in sids and by_doc.get(dup) and by_doc[dup] not in sids:
                sids.append(by_doc[dup])
    out: dict[str, list[dict]] = {sid: [] for sid in ids}
    for e in tables["events"].to_dicts():
        for sid in article_ids.get(e["article_id"], []):
            out[sid].append(e)
    texts = dict(tables["articles"].select("article_id", "text").iter_rows())
    return out, texts


def qualifying(events: list[dict], etype: str) -> list[dict]:
    return [e for e in events if e["event_type"] == etype and e["modality"] in FACTUAL
            and e.get("salience", "main") == "main"]


def _items(text: str | None) -> list[str]:
    return [x for x in (text or "").split(LIST_SEP) if x]


def score_args(gold: list[str], pred: list[str]) -> tuple[int, int, int]:
    pred = list(dict.fromkeys(pred))
    hit = [any(same_phrase(g, p) for p in pred) for g in gold]
    fp = sum(not any(same_phrase(g, p) for g in gold) for p in pred)
    return sum(hit), fp, len(gold) - sum(hit)


def evaluate_gsr(gsr_dir: Path, predictions: dict[str, list[dict]] | None = None) -> dict:
    rows = load_sentences(gsr_dir)
    if not rows:
        raise SystemExit(f"no *_gsr.csv sentences under {gsr_dir}")
    spans = load_spans(gsr_dir)
    preds = predictions if predictions is not None else predict(rows)
    det = {(s, t): [0, 0, 0] for s in SPLITS for t in TYPES}
    args = {(s, t, a): [0, 0, 0] for s in SPLITS for t in TYPES for a in ("actor", "target")}
    errors = {"tp": [], "fp": [], "fn": []}      # every scored sentence, with its events
    for r in rows:
        t = r["event_type"]
        if t not in TYPES:
            continue
        found = qualifying(preds.get(r["id"], []), t)
        key = 0 if (found and r["gold"]) else 1 if found else 2 if r["gold"] else None
        splits = ("all", split_of(r["id"]))
        if key is not None:
            for s in splits:
                det[(s, t)][key] += 1
            errors[("tp", "fp", "fn")[key]].append(_record(r, splits[1], preds.get(r["id"], [])))
        gold = spans.get((r["id"], t))
        if gold is None or not r["gold"]:
            continue
        for a, field in (("actor", "actor_text"), ("target", "target_text")):
            tp, fp, fn = score_args(gold[a], [x for e in found for x in _items(e[field])])
            for s in splits:
                v = args[(s, t, a)]
                v[0], v[1], v[2] = v[0] + tp, v[1] + fp, v[2] + fn
    return {"detection": {f"{s}/{t}": prf(*v) for (s, t), v in det.items()},
            "arguments": {f"{s}/{t}/{a}": prf(*v) for (s, t, a), v in args.items()},
            "sentences": len(rows), "errors": errors}


def _record(row: dict, split: str, events: list[dict]) -> dict:
    """A scored sentence with its published events, for error analysis (`--json`)."""
    keep = ("trigger", "event_type", "modality", "actor_text", "target_text", "method")
    return {"id": row["id"], "type": row["event_type"], "split": split, "text": row["text"],
            "events": [{k: e[k] for k in keep} | {"salience": e.get("salience")} for e in events]}


def render_gsr(result: dict) -> str:
    def line(name, r):
        return (f"{name:<24} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}"
                f"   (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})")

    out = [f"arabic_event_gsr: {result['sentences']} scored sentences (factual modality, salience main)",
           "", "detection (sentence level):"]
    out += ["  " + line(k, r) for k, r in result["detection"].items()]
    out += ["", "arguments (gold-positive sentences with spans):"]
    out += ["  " + line(k, r) for k, r in result["arguments"].items()]
    return "\n".join(out)
