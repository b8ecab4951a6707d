"""`akhbar train events`: the learned salience decision (tasks/events/decision.py) from the TUNE part of
the arabic_event_gsr dev half (interfaces/eval_gsr.py `split_of`); the CHECK part is never trained on
and gives the honest figure. The blind test half is never read.

1. The pipeline runs on every scored dev sentence with the decision off (the rules alone); every
   factual ASSAULT / PROTEST row of a sentence of that type is a candidate, its label the
   sentence's, its features read from the row and the sentence words (decision.sentence_features).
2. tasks/events/decision_fit.train picks L2 and per-type thresholds by 5-fold cross-validation
   on tune and fits on all tune candidates.
3. The model (weights, bias, thresholds) and a card (data hash, counts, features, CV, tune,
   check and all-dev figures) are written to akhbar/resources/models/.

`tune_cv` (`akhbar train events --tune-cv`) gives only step 2's cross-validation, with the pipeline run on
the tune sentences alone: what a candidate change is judged on, without running (or printing) check.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tasks.events.decision import (FEATURE_SET, DECIDED_TYPES, bag, in_time_clause, kept_main, sentence_features,
                                   trigger_word)
from tasks.events.decision_fit import (FOLDS, ITERATIONS, L2_GRID, L2_KEPT, MIN_COUNT, REPEATS, Candidate,
                                        out_of_fold, pick_threshold, scores, sentence_f1, train)
from tasks.events.words import words_of

MODEL_NAME = "lr-gsr-11"


def data_hash(gsr_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(Path(gsr_dir).glob("*_gsr.csv")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def collect(gsr_dir: Path, splits: tuple[str, ...] = ("tune", "check")) -> tuple[list[Candidate], dict, dict]:
    """Candidates with their split ({split: [Candidate]}), gold-positive sentence counts per split/type;
    the pipeline runs on the sentences of `splits` only."""
    from akhbar.config import PipelineConfig
    from interfaces.eval_gsr import load_sentences, predict_with_texts, split_of

    rows = [r for r in load_sentences(gsr_dir) if r["event_type"] in DECIDED_TYPES and split_of(r["id"]) in splits]
    preds, texts = predict_with_texts(rows, PipelineConfig.from_env(learned_decision=False))
    by_split: dict[str, list[Candidate]] = {"tune": [], "check": []}
    positives = {(s, t): 0 for s in by_split for t in DECIDED_TYPES}
    for r in rows:
        split, t = split_of(r["id"]), r["event_type"]
        positives[(split, t)] += r["gold"]
        by_sentence: dict[tuple, list[dict]] = {}
        for e in preds.get(r["id"], []):
            by_sentence.setdefault((e["article_id"], e["sentence_idx"]), []).append(e)
        for (aid, _), evs in sorted(by_sentence.items()):
            words = words_of(texts[aid], evs[0]["start"], evs[0]["end"])[0]
            rows_at = [(trigger_word(words, e["trigger_start"]), e) for e in evs]
            at = {id(e): i for i, e in rows_at}
            shared = bag(words)
            by_split[split] += [Candidate(r["id"], t, r["gold"], feats + shared,
                                          bool(kept_main(e, len(words), in_time_clause(words, at[id(e)]))))
                                for e, feats in sentence_features(words, rows_at) if e["event_type"] == t]
    return by_split, positives, {"sentences": len(rows)}


def tune_cv(gsr_dir: Path, l2: float | None = None) -> dict:
    """The tune cross-validation a candidate change is judged on (docs/events.md, events10-14): the pipeline on
    the tune sentences only (check is never run), candidates as `collect` builds them, `out_of_fold` for the
    REPEATS fold assignments at `l2` (default L2_KEPT, else the grid's first), `pick_threshold`. Per type: the
    threshold, mean P / R / F1 over the assignments and each assignment's F1 at that threshold."""
    by_split, positives, counts = collect(gsr_dir, ("tune",))
    cands, l2 = by_split["tune"], l2 if l2 is not None else (L2_KEPT if L2_KEPT is not None else L2_GRID[0])
    repeats = [out_of_fold(cands, l2, r) for r in range(REPEATS)]
    out: dict = {"l2": l2, "candidates": len(cands), **counts}
    for t in DECIDED_TYPES:
        idx = [j for j, c in enumerate(cands) if c.etype == t]
        runs = [([cands[j] for j in idx], [probs[j] for j in idx]) for probs in repeats]
        threshold, mean = pick_threshold(runs, positives[("tune", t)])
        out[t] = {"threshold": threshold, **mean,
                  "per_assignment": [sentence_f1(c, p, threshold, positives[("tune", t)])["f1"] for c, p in runs]}
    return out


def train_events(gsr_dir: Path, out_dir: Path) -> dict:
    """Train, write the model and its card under out_dir, return the card."""
    by_split, positives, counts = collect(gsr_dir)
    tune = by_split["tune"]
    result = train(tune, {t: positives[("tune", t)] for t in DECIDED_TYPES}, DECIDED_TYPES)
    model = {"name": MODEL_NAME, **result["model"]}
    figures = {}
    for split in ("tune", "check"):
        for t in DECIDED_TYPES:
            cands = [c for c in by_split[split] if c.etype == t]
            figures[f"{split}/{t}"] = sentence_f1(cands, scores(model, cands), model["threshold"][t],
                                                  positives[(split, t)])
    for t in DECIDED_TYPES:
        cands = [c for s in by_split for c in by_split[s] if c.etype == t]
        figures[f"all/{t}"] = sentence_f1(cands, scores(model, cands), model["threshold"][t],
                                          positives[("tune", t)] + positives[("check", t)])
    card = {
        "model": "L2 logistic regression over binary candidate features (tasks/events/decision_fit.py), "
                 "deciding salience main/background of factual ASSAULT and PROTEST rows",
        "name": MODEL_NAME, "file": "events_decision.json", "feature_set": FEATURE_SET,
        "features": "type; the rules' salience rule; modality; trigger clitic-stripped form and first two "
                    "letters; words 1-3 either side (clitic-stripped); actor/target/source present; sentence "
                    "length, trigger position; punctuation before the trigger; each of those joined with the "
                    "type; others of the type in the sentence and whether one was ruled main; for a `nominal-undergone` row the "
                    "mode of what was undergone (armed attack, abduction, torture, beating); the salience lexicon classes "
                    "(akhbar/resources/events/salience.json lists) within 3 words of the trigger and in the sentence; "
                    "the sentence's clitic-stripped words",
        "kept_main": "in a sentence under 16 words, main whatever the model says (decision.kept_main): an ASSAULT row "
                     "the rules call main by `verb` with actor and target named, or by `nominal-undergone` with an actor; "
                     "a PROTEST row by `verb` or `nominal-anchored-verb` with an actor; never a row in a time clause "
                     "(salience.json time_clause_openers: 'عندما خرج المتظاهرون'); it is trained on and scored 1.0 "
                     "in cross-validation and the figures",
        "training_data": {"dir": Path(gsr_dir).name, "sha256": data_hash(gsr_dir), **counts,
                          "split": "tune = sha1('akhbar-split:'+id)[0] >= 86 (interfaces/eval_gsr.split_of); "
                                   "trained on tune only, check never trained on",
                          "candidates": {s: len(v) for s, v in by_split.items()},
                          "positive_sentences": {f"{s}/{t}": n for (s, t), n in positives.items()}},
        "params": {"l2": result["l2"], "l2_grid": list(L2_GRID), "l2_kept": L2_KEPT, "thresholds": model["threshold"],
                   "folds": FOLDS, "repeats": REPEATS,
                   "min_count": MIN_COUNT, "iterations": ITERATIONS},
        "cross_validation_on_tune": result["cv"],
        "scores": figures,
        "n_weights": len(model["weights"]),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "events_decision.json").write_text(json.dumps(model, ensure_ascii=False, sort_keys=True) + "\n",
                                                  encoding="utf-8")
    (out_dir / "events_decision_card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n",
                                                       encoding="utf-8")
    return card
