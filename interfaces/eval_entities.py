"""`akhbar eval entities`: score the entity stage against the hand-annotated gold (tests/gold/entities).

The stages run as plain functions (flows.local.run_stages) on the input folder; predicted
mentions are projected back to offsets in the raw source files (akhbar.gold.project_to_source)
and compared with the gold rows:

- exact: same (source file, start, end, type); precision / recall / F1 per type and micro overall
  for the core types (PERSON, ORG, LOC, NORP) and for the time/number types (DATE, TIME, QUANTITY);
- lenient: same type and overlapping spans (one-to-one, in text order);
- linking: among exact matches whose gold row names an entity, the share whose predicted
  canonical name is that entity (Arabic-normalised comparison).

Lines printed twice in one page (a headline or photo caption repeated by the site) are
annotated once: their later copies are left out of scoring for gold and predictions alike.
Predicted mentions that cannot be located in any source count as false positives.
"""

from __future__ import annotations

from pathlib import Path

from akhbar.text.normalise import normalize
from akhbar.gold import load_gold, prf, project_to_source, score_sets

CORE_TYPES = ("PERSON", "ORG", "LOC", "NORP")
TIME_NUMBER_TYPES = ("DATE", "TIME", "QUANTITY")


def repeated_line_spans(text: str) -> list[tuple[int, int]]:
    """Spans of lines whose stripped content already appeared earlier in the text."""
    seen, spans, pos = set(), [], 0
    for line in text.splitlines(keepends=True):
        key = line.strip()
        if key and key in seen:
            spans.append((pos, pos + len(line)))
        seen.add(key)
        pos += len(line)
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def lenient_matches(gold: list[tuple], pred: list[tuple]) -> int:
    """One-to-one matches of same-type overlapping spans (greedy in text order)."""
    used, hits = set(), 0
    for g in sorted(gold):
        for k, p in enumerate(sorted(pred)):
            if k not in used and p[0] == g[0] and p[3] == g[3] and p[1] < g[2] and g[1] < p[2]:
                used.add(k)
                hits += 1
                break
    return hits


def evaluate(gold_dir: Path | str, input_dir: Path | str) -> dict:
    from flows.local import run_stages

    gold_dir, input_dir = Path(gold_dir), Path(input_dir)
    gold = load_gold(gold_dir, "entities")
    if not gold:
        raise SystemExit(f"no entity gold data under {gold_dir / 'entities'}")
    tables = run_stages(input_dir)
    proj = project_to_source(tables, "entities")
    sources = {name: (input_dir / name).read_text(encoding="utf-8") for name in gold if (input_dir / name).exists()}
    ignored = {name: repeated_line_spans(text) for name, text in sources.items()}
    pred_rows = proj.to_dicts() if not proj.is_empty() else []
    preds, unlocated = [], 0
    for r in pred_rows:
        if r["source_path"] is None:
            unlocated += 1
            continue
        if r["source_path"] in gold and not inside(ignored.get(r["source_path"], []), r["src_start"], r["src_end"]):
            preds.append((r["source_path"], r["src_start"], r["src_end"], r["type"], r["canonical_name"], r["entity_id"]))
    golds = [(name, g["start"], g["end"], g["type"], g.get("entity")) for name, rows in gold.items() for g in rows
             if not inside(ignored.get(name, []), g["start"], g["end"])]

    def keys(rows, types):
        return {r[:4] for r in rows if r[3] in types}

    result: dict = {"files": len(gold), "gold_mentions": len(golds), "predicted_mentions": len(preds),
                    "unlocated_predictions": unlocated, "per_type": {}}
    for typ in CORE_TYPES + TIME_NUMBER_TYPES:
        g, p = keys(golds, (typ,)), keys(preds, (typ,))
        if g or p:
            result["per_type"][typ] = score_sets(g, p) | {"lenient_f1": _lenient(g, p)}
    for label, types in (("core", CORE_TYPES), ("time_number", TIME_NUMBER_TYPES), ("person_org_loc", CORE_TYPES[:3])):
        g, p = keys(golds, types), keys(preds, types)
        result[label] = score_sets(g, p) | {"lenient_f1": _lenient(g, p)}
    core_u = result["core"]
    core_u["fp"] += unlocated
    result["core"] = prf(core_u["tp"], core_u["fp"], core_u["fn"]) | {"lenient_f1": core_u["lenient_f1"]}
    pred_canon = {p[:4]: (p[4], p[5]) for p in preds}
    linked = [(g, pred_canon[g[:4]]) for g in golds if g[4] and g[:4] in pred_canon]
    ok = sum(1 for g, c in linked if same_entity(g[4], *c))
    result["linking"] = {"checked": len(linked), "correct": ok,
                         "accuracy": round(ok / len(linked), 4) if linked else 0.0,
                         "wrong": [dict(file=g[0], start=g[1], type=g[3], surface=sources[g[0]][g[1]:g[2]], gold=g[4],
                                        predicted=c[0]) for g, c in linked if not same_entity(g[4], *c)]}
    result["errors"] = {"missed": sorted(set(g[:4] for g in golds) - set(p[:4] for p in preds)),
                        "spurious": sorted(set(p[:4] for p in preds) - set(g[:4] for g in golds))}
    for kind in ("missed", "spurious"):
        result["errors"][kind] = [dict(file=f, start=s, end=e, type=t, surface=sources[f][s:e])
                                  for f, s, e, t in result["errors"][kind]]
    return result


def same_entity(gold_name: str, pred_name: str | None, pred_id: str | None) -> bool:
    """Gold names an entity by a canonical name: the same gazetteer entity, or the same normalised name."""
    from tasks.entities.lexicon import default_gazetteer

    entry = default_gazetteer().lookup(tuple(normalize(gold_name).split()))
    if entry is not None and pred_id == entry.entity_id:
        return True
    return bool(pred_name) and normalize(pred_name) == normalize(gold_name)


def _lenient(g: set, p: set) -> float:
    hits = lenient_matches(list(g), list(p))
    return prf(hits, len(p) - hits, len(g) - hits)["f1"]


def render(result: dict):
    from rich.table import Table

    table = Table(title=f"Entities vs gold: {result['files']} files, {result['gold_mentions']} gold mentions, "
                        f"{result['predicted_mentions']} predicted")
    for col in ("type", "precision", "recall", "F1 (exact)", "F1 (overlap)", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "type" else "left")

    def row(name, r):
        table.add_row(name, f"{r['precision']:.3f}", f"{r['recall']:.3f}", f"{r['f1']:.3f}",
                      f"{r['lenient_f1']:.3f}", str(r["tp"]), str(r["fp"]), str(r["fn"]))
    for typ, r in result["per_type"].items():
        row(typ, r)
    row("PERSON+ORG+LOC", result["person_org_loc"])
    row("core (micro)", result["core"])
    row("DATE+TIME+QUANTITY", result["time_number"])
    link = result["linking"]
    table.caption = (f"canonical linking: {link['correct']}/{link['checked']} = {link['accuracy']:.3f}; "
                     f"unlocated predictions: {result['unlocated_predictions']}")
    return table
