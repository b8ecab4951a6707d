"""`akhbar train events` (interfaces/train_events.py): retraining on the dev half's tune split gives
the committed model and card again (deterministic), and the card's check figures are the eval's."""

import json
from pathlib import Path

import pytest

from akhbar.resources import resource_path
from interfaces.train_events import train_events

GSR = Path(__file__).resolve().parents[3] / "shared" / "data" / "arabic_event_gsr_dev"


@pytest.mark.slow
@pytest.mark.skipif(not GSR.is_dir(), reason="the arabic_event_gsr dev half is not here")
def test_retraining_reproduces_the_committed_model(tmp_path):
    card = train_events(GSR, tmp_path)
    committed = json.loads(resource_path("models/events_decision_card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["sha256"] == committed["training_data"]["sha256"]
    assert card["scores"] == committed["scores"]
    assert (tmp_path / "events_decision.json").read_text(encoding="utf-8") == \
        resource_path("models/events_decision.json").read_text(encoding="utf-8")


def _written_gsr(folder: Path) -> list[str]:
    """A small GSR-shaped folder of sentences written for this test (outside every data set), ids chosen
    so that both splits occur; returns the ids."""
    import csv
    texts = ["تظاهر مئات الطلاب أمام الجامعة احتجاجا على رفع الرسوم.", "قصفت الطائرات مواقع المسلحين قرب المدينة أمس.",
             "خرج آلاف العمال في مسيرة إلى مقر الحكومة.", "هاجم مسلحون حاجزا للشرطة في الجنوب صباح اليوم.",
             "اعتصم الأطباء أمام وزارة الصحة مطالبين بزيادة الأجور.", "أطلق قناصة النار على المارة في السوق القديم."]
    folder.mkdir()
    ids = []
    for name, etype in (("protest_gsr.csv", "PROTEST"), ("assault_gsr.csv", "ASSAULT")):
        with (folder / name).open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=["id", "event_type", "label", "text"])
            w.writeheader()
            for k, text in enumerate(texts * 2):
                ids.append(f"{etype.lower()}-written-{k}")
                w.writerow({"id": ids[-1], "event_type": etype, "label": "yes" if k % 2 else "easy no", "text": text})
    return ids


def test_collect_runs_the_pipeline_on_the_given_splits_only(tmp_path, monkeypatch):
    """`collect(dir, ('tune',))` (what `--tune-cv` uses) never hands a check sentence to the pipeline."""
    import interfaces.eval_gsr as eval_gsr
    from interfaces.train_events import collect
    ids = _written_gsr(tmp_path / "gsr")
    assert {eval_gsr.split_of(i) for i in ids} == {"tune", "check"}
    seen, real = [], eval_gsr.predict_with_texts
    monkeypatch.setattr(eval_gsr, "predict_with_texts", lambda rows, cfg=None: (seen.extend(rows), real(rows, cfg))[1])
    by_split, positives, counts = collect(tmp_path / "gsr", ("tune",))
    assert seen and {eval_gsr.split_of(r["id"]) for r in seen} == {"tune"}
    assert by_split["check"] == [] and by_split["tune"]
    assert positives[("check", "PROTEST")] == positives[("check", "ASSAULT")] == 0
    assert counts["sentences"] == len(seen)


@pytest.mark.slow
@pytest.mark.skipif(not GSR.is_dir(), reason="the arabic_event_gsr dev half is not here")
def test_tune_cv_alone_gives_the_cards_cross_validation():
    """The pipeline on the tune sentences alone gives the same candidates as the full run: `tune_cv` reproduces
    the committed card's cross-validation at the kept L2, per type, for each of the 6 fold assignments."""
    from interfaces.train_events import tune_cv
    card = json.loads(resource_path("models/events_decision_card.json").read_text(encoding="utf-8"))
    result = tune_cv(GSR)
    cv = card["cross_validation_on_tune"][str(result["l2"])]
    for t in ("ASSAULT", "PROTEST"):
        assert result[t]["threshold"] == cv[t]["threshold"]
        keys = ("precision", "recall", "f1")
        assert {k: result[t][k] for k in keys} == {k: cv[t][k] for k in keys}
        assert len(result[t]["per_assignment"]) == 6


def test_tune_cv_option_prints_the_cross_validation_and_writes_nothing(tmp_path, monkeypatch):
    """`akhbar train events --tune-cv`: the tune figures per type and fold assignment; no model is trained."""
    from typer.testing import CliRunner

    import interfaces.train_events as te
    from interfaces.cli import app
    _written_gsr(tmp_path / "gsr")
    fig = {"threshold": 0.2, "precision": 0.5, "recall": 0.25, "f1": 0.333, "per_assignment": [0.3, 0.4]}
    monkeypatch.setattr(te, "tune_cv", lambda gsr: {"l2": 0.03, "candidates": 7, "ASSAULT": fig, "PROTEST": fig})
    monkeypatch.setattr(te, "train_events", lambda *a: pytest.fail("--tune-cv trained a model"))
    result = CliRunner().invoke(app, ["train", "events", "--gsr", str(tmp_path / "gsr"), "--tune-cv"])
    assert result.exit_code == 0, result.output
    assert "PROTEST" in result.output and "F1 0.333" in result.output and "0.300 0.400" in result.output
