"""Training is deterministic: the same data and parameters give the same model files (both passes) and card."""

from pathlib import Path

import pytest

from tasks.entities.ner.clusters import clusters_path
from tasks.entities.ner.memory import NameMemory, memory_path
from tasks.entities.ner.model import NerModel, pass1_path
from tasks.entities.ner.train import inner_folds, train_ner

# sentences written for this test (not from ANERcorp)
LINES = []
for i, (name, place, org) in enumerate([("سامر خليل", "حمص", "وزارة الصحة"), ("ليلى حداد", "صيدا", "نقابة المعلمين"),
                                        ("جون سميث", "لندن", "بنك إنجلترا"), ("منى سالم", "طنطا", "جامعة القاهرة")] * 5):
    first, last = name.split()
    org1, org2 = org.split()
    LINES.append(f"وقال O\n{first} B-PERS\n{last} I-PERS\nفي O\n{place} B-LOC\nإن O\n{org1} B-ORG\n{org2} I-ORG\n"
                 f"تعمل O\nجيدا O\n. O\n")
CONLL = "\n".join(LINES)


def test_train_ner_writes_model_and_card(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")   # 800 sentences: block 7 (700-799) is dev
    out = tmp_path / "m.crfsuite"
    card = train_ner(data, out, dict(max_iterations=20, feature_minfreq=1))
    assert out.is_file() and Path(out.with_suffix(".json")).is_file()
    assert card["training_data"]["sentences"] == 800 and card["training_data"]["dev_sentences"] == 100 and card["feature_set"]
    card2 = train_ner(data, tmp_path / "m2.crfsuite", dict(max_iterations=20, feature_minfreq=1))
    assert (tmp_path / "m2.crfsuite").read_bytes() == out.read_bytes()
    assert pass1_path(tmp_path / "m2.crfsuite").read_bytes() == pass1_path(out).read_bytes()
    assert not list(tmp_path.glob(".*fold*"))          # jackknife models are removed
    for side in (clusters_path, memory_path):           # the tables beside the model, rebuilt identically
        assert side(tmp_path / "m2.crfsuite").read_bytes() == side(out).read_bytes()
    memory = NameMemory.read(memory_path(out))          # the training labels' chunks, as normalised stems
    assert memory.chunks[("سامر", "خليل")] == "PERS" and memory.chunks[("مني", "سالم")] == "PERS"
    assert memory.tokens["حمص"] == "LOC|hi" and memory.tokens["سامر"] == "PERS|hi"
    assert card2["dev"] == card["dev"] and card["dev"]["micro"]["f1"] > 0.9


def test_bioes_model_gives_bio_labels(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    out = tmp_path / "m.crfsuite"
    card = train_ner(data, out, dict(max_iterations=20, feature_minfreq=1, labels="bioes"))
    model = NerModel(out)
    assert model.encoding == "bioes" and "S-LOC" in model.scorer.models[0].labels
    assert "E-PERS" in model.scorer.models[1].labels               # pass 1 trained on BIOES too
    labels = model.tag("وقال كريم منصور في حلب إن".split())
    assert set(labels) <= {"O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"}
    assert labels[4] == "B-LOC" and card["params"]["labels"] == "bioes" and card["dev"]["micro"]["f1"] > 0.9
    crf = model.tag_document(["وقال كريم منصور في حلب إن".split()], engine="crfsuite")[0][0]
    assert crf == labels                                           # the reference engine gives BIO too


def test_inner_folds_score_held_folds_without_dev(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    result = inner_folds(data, tmp_path / "work", dict(max_iterations=20, feature_minfreq=1), scored=(0, 2))
    assert set(result) == {0, 2, "mean_micro_f1"}
    assert result[0]["micro"]["gold"] == 200 * 3                   # fold 0: blocks 0 and 5, three chunks a sentence
    assert result[0]["micro"]["f1"] > 0.9 and result["mean_micro_f1"] > 0.9
    for k in (0, 2):
        assert pass1_path(tmp_path / "work" / f"fold{k}" / "ner.crfsuite").is_file()


def test_inner_folds_reuse_pass1_for_a_pass2_candidate(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    params = dict(max_iterations=20, feature_minfreq=1)
    work = tmp_path / "work"
    inner_folds(data, work, params, scored=(1,))
    pass1 = pass1_path(work / "fold1" / "ner.crfsuite").read_bytes()
    fold_models = {p: p.stat().st_mtime_ns for p in work.glob(".all_fold*.crfsuite")}
    result = inner_folds(data, work, {**params, "pass2_algorithm": "pa"}, scored=(1,), reuse=True)
    assert result[1]["micro"]["f1"] > 0.9 and pass1_path(work / "fold1" / "ner.crfsuite").read_bytes() == pass1
    assert len(fold_models) == 5 and all(p.stat().st_mtime_ns == t for p, t in fold_models.items())   # not refitted
    with pytest.raises(ValueError):                   # pass-1 fold models of another setting are not taken
        inner_folds(data, work, {**params, "c2": 2.0}, scored=(1,), reuse=True)
