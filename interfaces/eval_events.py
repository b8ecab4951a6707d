"""Event evaluation against the hand-annotated gold in tests/gold/events (guideline there).

1. The pipeline runs on the input folder (flows.local.run_stages); predicted triggers are
   projected to offsets in the raw source files (akhbar.gold.project_to_source).
2. Sentences of the raw source are defined by the segmenter's own rule applied to the raw
   text: each non-blank line, then akhbar.text.sentences.split_sentences inside it.
3. Detection: a predicted event matches a gold event of the same event_type whose trigger
   lies in the same source sentence (one-to-one, closest triggers first). Predictions that
   cannot be located in a source count as false positives.
4. Arguments, over matched pairs: actor and target (lists), location, origin, destination,
   time (date_text) and source (source_text) match when, after normalisation and clitic
   stripping, at least two thirds of the shorter phrase's words occur in the other.
   Modality (and mode, date) accuracy is computed over matched pairs.
"""

from __future__ import annotations

import bisect
import re
from pathlib import Path

from akhbar.text.normalise import clitic_keys, normalize
from akhbar.gold import load_gold, prf, project_to_source

ARGS = ("actor", "target", "location", "origin", "destination", "time", "source")
PRED_FIELD = {"actor": "actor_text", "target": "target_text", "location": "location_text",
              "origin": "origin_text", "destination": "destination_text", "time": "date_text",
              "source": "source_text"}
LIST_SEP = "؛ "
STOP = {"من", "في", "الى", "الي", "علي", "عن", "و", "ل", "ب", "ال"}


LINE = re.compile(r"[^\n]+")


def source_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences of a raw source file: each non-blank line split by the segmenter's sentence rule."""
    from akhbar.text.sentences import split_sentences
    return [s for m in LINE.finditer(text) if m.group().strip() for s in split_sentences(text, m.start(), m.end())]


def _words(phrase: str) -> set[str]:
    out = set()
    for tok in normalize(phrase).replace("«", " ").replace("»", " ").replace('"', " ").split():
        tok = tok.strip("()[]،,.:؛;-–")
        if tok:
            bare = clitic_keys(tok)[-1]
            if bare not in STOP:
                out.add(bare)
    return out


def same_phrase(a: str, b: str) -> bool:
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return False
    shorter = min(len(wa), len(wb))
    return len(wa & wb) / shorter >= 0.66


def _values(v) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [x for x in v if x]
    return [x for x in str(v).split(LIST_SEP) if x]


def score_values(gold: list[str], pred: list[str]) -> tuple[int, int, int]:
    """(tp, fp, fn) for one argument of one matched event."""
    used: set[int] = set()
    tp = 0
    for g in gold:
        k = next((i for i, p in enumerate(pred) if i not in used and same_phrase(g, p)), None)
        if k is not None:
            used.add(k)
            tp += 1
    return tp, len(pred) - len(used), len(gold) - tp


def match_file(gold: list[dict], pred: list[dict], sentences: list[tuple[int, int]]) -> tuple[list, list, list]:
    """(matched pairs, unmatched gold, unmatched predictions) for one source file."""
    starts = [a for a, _ in sentences]

    def sent_of(offset):
        return bisect.bisect_right(starts, offset) - 1 if offset is not None else None

    candidates = []
    for gi, g in enumerate(gold):
        gs = sent_of(g["trigger_start"])
        for pi, p in enumerate(pred):
            if p["src_start"] is None or p["event_type"] != g["event_type"]:
                continue
            if sent_of(p["src_start"]) == gs:
                candidates.append((abs(p["src_start"] - g["trigger_start"]), gi, pi))
    pairs, used_g, used_p = [], set(), set()
    for _, gi, pi in sorted(candidates):
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        pairs.append((gold[gi], pred[pi]))
    return (pairs, [g for i, g in enumerate(gold) if i not in used_g],
            [p for i, p in enumerate(pred) if i not in used_p])


def evaluate(gold_dir: Path, input_dir: Path) -> dict:
    from flows.local import run_stages

    gold = load_gold(gold_dir, "events")
    if not gold:
        raise SystemExit(f"no event gold under {Path(gold_dir) / 'events'}")
    tables = run_stages(input_dir)
    projected = project_to_source(tables, "events", "trigger_start", "trigger_end")
    preds = projected.to_dicts() if projected.height else []
    texts = dict(tables["documents"].select("source_path", "text").iter_rows())
    totals = {"tp": 0, "fp": 0, "fn": 0}
    by_type: dict[str, dict] = {}
    args = {a: [0, 0, 0] for a in ARGS}
    modality = [0, 0]
    mode = [0, 0]
    date = [0, 0]
    per_file = {}
    unlocated = [p for p in preds if p["source_path"] is None]
    confusions: dict[str, int] = {}
    for name, grows in gold.items():
        text = texts.get(name)
        if text is None:
            raise SystemExit(f"gold file {name} has no document in {input_dir}")
        fpreds = [p for p in preds if p["source_path"] == name]
        pairs, miss, extra = match_file(grows, fpreds, source_sentences(text))
        per_file[name] = prf(len(pairs), len(extra), len(miss))
        for g, p in pairs:
            _bump(by_type, g["event_type"], "tp")
            for a in ARGS:
                tp, fp, fn = score_values(_values(g.get(a)), _values(p[PRED_FIELD[a]]))
                args[a][0] += tp
                args[a][1] += fp
                args[a][2] += fn
            modality[0] += g["modality"] == p["modality"]
            modality[1] += 1
            if g["modality"] != p["modality"]:
                key = f"{g['modality']}->{p['modality']}"
                confusions[key] = confusions.get(key, 0) + 1
            if g.get("mode"):
                mode[0] += g["mode"] == p["mode"]
                mode[1] += 1
            if g.get("date"):
                date[0] += bool(p["event_date"]) and str(p["event_date"]).startswith(g["date"])
                date[1] += 1
        for g in miss:
            _bump(by_type, g["event_type"], "fn")
        for p in extra:
            _bump(by_type, p["event_type"], "fp")
        totals["tp"] += len(pairs)
        totals["fp"] += len(extra)
        totals["fn"] += len(miss)
    totals["fp"] += len([p for p in unlocated])
    return {
        "events": prf(totals["tp"], totals["fp"], totals["fn"]),
        "by_type": {t: prf(v["tp"], v["fp"], v["fn"]) for t, v in sorted(by_type.items())},
        "arguments": {a: prf(*v) for a, v in args.items()},
        "modality_accuracy": round(modality[0] / modality[1], 4) if modality[1] else 0.0,
        "modality_confusions": dict(sorted(confusions.items(), key=lambda kv: -kv[1])),
        "mode_accuracy": round(mode[0] / mode[1], 4) if mode[1] else 0.0,
        "date_accuracy": round(date[0] / date[1], 4) if date[1] else 0.0,
        "matched": modality[1],
        "gold_events": sum(len(v) for v in gold.values()),
        "predicted_events": len(preds),
        "unlocated_predictions": len(unlocated),
        "per_file": per_file,
    }


def _bump(d: dict, key: str, field: str) -> None:
    d.setdefault(key, {"tp": 0, "fp": 0, "fn": 0})[field] += 1


def render(result: dict) -> str:
    def line(name, r):
        return f"{name:<16} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}   (tp {r['tp']}, fp {r['fp']}, fn {r['fn']})"

    out = [f"gold events {result['gold_events']}, predicted {result['predicted_events']}, matched {result['matched']}",
           line("events", result["events"]), "", "by type:"]
    out += ["  " + line(t, r) for t, r in result["by_type"].items()]
    out += ["", "arguments (matched events):"]
    out += ["  " + line(a, r) for a, r in result["arguments"].items()]
    out += ["", f"modality accuracy {result['modality_accuracy']:.3f}   mode accuracy {result['mode_accuracy']:.3f}"
                f"   date accuracy {result['date_accuracy']:.3f}",
            "modality confusions (gold->predicted): " + ", ".join(f"{k} {v}" for k, v in result["modality_confusions"].items()),
            "", "per file:"]
    out += ["  " + line(f[:16], r) for f, r in result["per_file"].items()]
    return "\n".join(out)
