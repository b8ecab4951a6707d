"""`akhbar train ...`: rebuild the trained models the pipeline ships (akhbar/resources/models/)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from interfaces.common import ExitCode, app, console, fail

train_app = typer.Typer(help="Rebuild the trained models under akhbar/resources/models/ (deterministic).")
app.add_typer(train_app, name="train")


@train_app.command("ner")
def train_ner(data: Path = typer.Option(Path("../shared/data/anercorp/train.txt"), "--data",
                                        help="ANERcorp train part (CoNLL); its dev split is held out."),
              out: Path = typer.Option(None, "--out", help="Model file (default: the committed one)."),
              lists_from: Path = typer.Option(None, "--lists-from",
                                              help="Rebuild entities/ner_lists.tsv from this shared data folder first."),
              c1: float = typer.Option(None, help="L1 regularisation (default: the card's)."),
              c2: float = typer.Option(None, help="L2 regularisation."),
              limit: int = typer.Option(None, help="Train on the first N sentences only."),
              labels: str = typer.Option(None, "--labels", help="Label encoding trained on: bio or bioes."),
              inner_folds: str = typer.Option(None, "--inner-folds",
                                              help="Instead of training the model: score the setting on these "
                                                   "inner folds of the training part (e.g. 0,1,2; dev not read); "
                                                   "work files under --work."),
              work: Path = typer.Option(Path("ner_folds"), "--work", help="Folder for --inner-folds' models."),
              reuse_pass1: bool = typer.Option(False, "--reuse-pass1",
                                               help="--inner-folds: take the pass-1 fold models already in --work "
                                                    "(a pass-2-only candidate)."),
              pass2_algorithm: str = typer.Option(None, "--pass2-algorithm", help="lbfgs (default), ap or pa."),
              passes: int = typer.Option(2, "--passes",
                                         help="--inner-folds: 3 scores a third pass (stacked on pass-2 labels "
                                              "from a pass-2 jackknife; with --reuse-pass1 the folds' pass-2 "
                                              "models already in --work are taken too)."),
              bias_grid: str = typer.Option(None, "--bias-grid",
                                            help="--inner-folds: no training; score the fold models already in "
                                                 "--work with these last-pass label biases, e.g. ORG=0,0.5,1 "
                                                 "or O=0,-0.5,-1 (each value chosen on the other folds too)."),
              unlabeled: list[Path] = typer.Option([], "--unlabeled",
                                                   help="Unlabelled Arabic text for the word clusters (a CSV "
                                                        "with a `text` column or plain text; repeatable)."),
              self_train_from: list[Path] = typer.Option([], "--self-train-from",
                                                         help="Unlabelled text (as --unlabeled) that the two-pass "
                                                              "model tags; its confidently tagged texts are added to "
                                                              "pass 2's training data (self-training; repeatable)."),
              self_train_min_conf: float = typer.Option(0.9, "--self-train-min-conf",
                                                        help="--self-train-from: a text is kept when it has a chunk "
                                                             "and every chunk's mean marginal reaches this."),
              jackknife_from: Path = typer.Option(None, "--jackknife-from", help="Take the pass-1 jackknife "
                                                  "fold models of an --inner-folds run of this setting there."),
              option: list[str] = typer.Option([], "--option", help="A candidate setting (train.OPTIONS), "
                                               "e.g. cluster_levels=256,64,1024 or pass1_inflections=1; repeatable."),
              as_json: bool = typer.Option(False, "--json", help="Print the model card as JSON.")):
    """Train the CRF NER tagger on DATA minus its dev split; write the model and its card."""
    from tasks.entities.ner.model import default_model_path

    if not data.is_file():
        fail(f"training data '{data}' not found: give the ANERcorp train part with --data", ExitCode.NOT_FOUND)
    for path in unlabeled:
        if not path.is_file():
            fail(f"--unlabeled '{path}' not found", ExitCode.NOT_FOUND)
    self_train = _self_train_option(self_train_from, self_train_min_conf, passes)
    if lists_from is not None:
        _rebuild_lists(lists_from)
    from tasks.entities.ner.train import train_ner as run

    params = _params(dict(c1=c1, c2=c2, labels=labels, pass2_algorithm=pass2_algorithm), option)
    if passes not in (2, 3) or passes == 3 and inner_folds is None:
        fail(f"--passes {passes}: give 2, or 3 with --inner-folds", ExitCode.USAGE)
    if bias_grid is not None:
        if inner_folds is None:
            fail("--bias-grid needs --inner-folds (and the fold models of an --inner-folds run in --work)", ExitCode.USAGE)
        _bias_folds(data, work, bias_grid, inner_folds)
        return
    if inner_folds is not None:
        _inner_folds(data, work, params, inner_folds, tuple(unlabeled), reuse_pass1, passes, self_train)
        return
    try:
        card = run(data, out or default_model_path(), params, limit, tuple(unlabeled), self_train, jackknife_from)
    except ValueError as exc:      # a malformed file (conll.ConllError), or --jackknife-from of another setting
        fail(str(exc), ExitCode.USAGE)
    if as_json:
        print(json.dumps(card, indent=2, ensure_ascii=False))
        return
    dev = card["dev"]
    console.print(f"model {out or default_model_path()} ({card['model_bytes'] / 1e6:.2f} MB, "
                  f"{card['train_seconds']} s); dev: " + ", ".join(
                      f"{t} P {dev[t]['precision']:.3f} R {dev[t]['recall']:.3f} F1 {dev[t]['f1']:.3f}"
                      for t in ("PERS", "LOC", "ORG", "micro") if t in dev))


def _params(given: dict, options: list[str]) -> dict:
    """The training params given (None: the card's), checked, and each --option KEY=VALUE checked against
    train.OPTIONS: cluster_levels a list of cluster counts (the first the committed 256), pass1_inflections and
    vowel_letters 0 or 1."""
    from tasks.entities.ner.train import OPTIONS

    if given["pass2_algorithm"] not in (None, "lbfgs", "ap", "pa"):
        fail(f"--pass2-algorithm {given['pass2_algorithm']!r}: give lbfgs, ap or pa", ExitCode.USAGE)
    if given["labels"] not in (None, "bio", "bioes"):
        fail(f"--labels {given['labels']!r}: give bio or bioes", ExitCode.USAGE)
    out = {k: v for k, v in given.items() if v is not None}
    for text in options:
        key, _, value = text.partition("=")
        try:
            if key == "cluster_levels":
                out[key] = [int(v) for v in value.split(",")]
                if not out[key] or min(out[key]) < 2:
                    raise ValueError(value)
            elif key in ("pass1_inflections", "vowel_letters") and value in ("0", "1"):
                out[key] = value == "1"
            else:
                raise ValueError(value)
        except ValueError:
            fail(f"--option {text!r}: give one of {', '.join(OPTIONS)} with a valid value", ExitCode.USAGE)
    return out


def _self_train_option(files: list[Path], min_conf: float, passes: int) -> dict | None:
    """--self-train-from / --self-train-min-conf checked, as train.two_pass takes them (None: not asked)."""
    for path in files:
        if not path.is_file():
            fail(f"--self-train-from '{path}' not found", ExitCode.NOT_FOUND)
    if not 0 < min_conf <= 1:
        fail(f"--self-train-min-conf {min_conf}: give a value in (0, 1]", ExitCode.USAGE)
    if files and passes != 2:
        fail("--self-train-from trains two passes (not --passes 3)", ExitCode.USAGE)
    return dict(files=[str(p) for p in files], min_conf=min_conf) if files else None


def _rebuild_lists(shared: Path) -> None:
    """--lists-from: entities/ner_lists.tsv rebuilt from the shared data folder."""
    from akhbar.resources import resource_path
    from tasks.entities.ner.features import name_lists
    from tasks.entities.ner.lists import write_lists

    if not shared.is_dir():
        fail(f"--lists-from '{shared}' is not a folder", ExitCode.NOT_FOUND)
    n = write_lists(shared, Path(str(resource_path("entities/ner_lists.tsv"))))
    console.print(f"wrote {n} list words to entities/ner_lists.tsv")
    name_lists.cache_clear()


def _fold_numbers(folds: str) -> tuple[int, ...]:
    try:
        scored = tuple(int(k) for k in folds.split(","))
    except ValueError:
        fail(f"--inner-folds {folds!r}: give fold numbers such as 0,1,2", ExitCode.USAGE)
    if not all(0 <= k < 5 for k in scored):
        fail(f"--inner-folds {folds!r}: folds are 0-4", ExitCode.USAGE)
    return scored


def _bias_folds(data: Path, work: Path, grid: str, folds: str) -> None:
    """`akhbar train ner --inner-folds K,.. --bias-grid LABEL=v,..`: train.bias_folds, printed and
    written to work/bias_LABEL.json."""
    from tasks.entities.ner.train import bias_folds

    scored = _fold_numbers(folds)
    label, _, values = grid.partition("=")
    try:
        grid_values = [float(v) for v in values.split(",")]
    except ValueError:
        fail(f"--bias-grid {grid!r}: give LABEL=v1,v2,... such as ORG=0,0.5,1", ExitCode.USAGE)
    if not label or not all((work / f"fold{k}" / "ner.crfsuite").is_file() for k in scored):
        fail(f"--bias-grid: no label, or no fold models in {work} (run --inner-folds first)", ExitCode.USAGE)
    result = bias_folds(data, work, label, grid_values, scored)
    (work / f"bias_{label}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for v in grid_values:
        row = result["table"][v]
        console.print(f"{label} {v:+.2f}: " + ", ".join(
            f"fold {k} F1 {row[k]['micro']['f1']:.4f} (P {row[k]['micro']['precision']:.3f} R "
            f"{row[k]['micro']['recall']:.3f}; ORG {row[k]['ORG']['f1']:.3f})" for k in scored)
            + f"; mean {sum(row[k]['micro']['f1'] for k in scored) / len(scored):.4f}")
    held = result["held_out"]
    console.print("chosen on the other folds: " + ", ".join(
        f"fold {k}: {result['chosen'][k]:+.2f} -> F1 {held[k]['micro']['f1']:.4f}" for k in scored)
        + f"; mean {sum(held[k]['micro']['f1'] for k in scored) / len(scored):.4f}; best on all: {result['best']:+.2f}")


def _inner_folds(data: Path, work: Path, params: dict, folds: str, unlabeled: tuple[Path, ...], reuse: bool,
                 passes: int = 2, self_train: dict | None = None) -> None:
    """`akhbar train ner --inner-folds K,..`: the setting's micro F1 on inner folds (train.inner_folds),
    printed and written to work/scores.json."""
    from tasks.entities.ner.conll import ConllError
    from tasks.entities.ner.train import inner_folds as run

    scored = _fold_numbers(folds)
    try:
        result = run(data, work, params, scored, unlabeled, reuse, passes, self_train)
    except (ConllError, ValueError) as exc:
        fail(str(exc), ExitCode.USAGE)
    work.mkdir(parents=True, exist_ok=True)
    (work / "scores.json").write_text(json.dumps(dict(params=params, passes=passes, self_train=self_train,
                                                      folds=result), indent=2) + "\n", encoding="utf-8")
    for k in scored:
        m = result[k]["micro"]
        console.print(f"fold {k}: micro P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f}; " + ", ".join(
            f"{t} {result[k][t]['f1']:.4f}" for t in ("PERS", "LOC", "ORG"))
            + (f"; self-training: {result[k]['self_training']['sentences_added']} sentences added"
               if "self_training" in result[k] else ""))
    console.print(f"mean micro F1 {result['mean_micro_f1']:.4f}")


def _print_tune_cv(gsr: Path, as_json: bool) -> None:
    from interfaces.train_events import tune_cv
    result = tune_cv(gsr)
    if as_json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    console.print(f"tune cross-validation: {result['candidates']} candidates, l2 {result['l2']}")
    for t in ("ASSAULT", "PROTEST"):
        r = result[t]
        console.print(f"  {t:<8} threshold {r['threshold']:.2f}  P {r['precision']:.3f}  R {r['recall']:.3f}  "
                      f"F1 {r['f1']:.3f}")
        console.print(f"           F1 per fold assignment {' '.join(f'{x:.3f}' for x in r['per_assignment'])}")


@train_app.command("events")
def train_events(gsr: Path = typer.Option(Path("../shared/data/arabic_event_gsr_dev"), "--gsr",
                                          help="The arabic_event_gsr DEV half; only its tune split is trained on."),
                 out: Path = typer.Option(None, "--out", help="Model folder (default: the committed one)."),
                 jackknife_from: Path = typer.Option(None, "--jackknife-from", help="Take the pass-1 jackknife "
                                                  "fold models of an --inner-folds run of this setting there."),
              option: list[str] = typer.Option([], "--option", help="A candidate setting (train.OPTIONS), "
                                               "e.g. cluster_levels=256,64,1024 or pass1_inflections=1; repeatable."),
              as_json: bool = typer.Option(False, "--json", help="Print the model card as JSON."),
              tune_cv: bool = typer.Option(False, "--tune-cv", help="Only the tune cross-validation (the pipeline "
                                           "on tune sentences alone, check never run); writes nothing.")):
    """Train the salience decision for ASSAULT/PROTEST (tasks/events/decision.py); write model and card."""
    from akhbar.resources import resource_path
    from interfaces.train_events import train_events as run

    if not (gsr.is_dir() and any(gsr.glob("*_gsr.csv"))):
        fail(f"'{gsr}' holds no *_gsr.csv: give the arabic_event_gsr dev half with --gsr", ExitCode.NOT_FOUND)
    if tune_cv:
        _print_tune_cv(gsr, as_json)
        return
    card = run(gsr, out or Path(str(resource_path("models"))))
    if as_json:
        print(json.dumps(card, indent=2, ensure_ascii=False))
        return
    console.print(f"events decision: {card['n_weights']} weights, l2 {card['params']['l2']}, "
                  f"thresholds {card['params']['thresholds']}")
    for k, r in card["scores"].items():
        console.print(f"  {k:<14} P {r['precision']:.3f}  R {r['recall']:.3f}  F1 {r['f1']:.3f}")
