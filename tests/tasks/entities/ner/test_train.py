"""Training is deterministic: the same data and parameters give the same model files (both passes) and card."""

from pathlib import Path

import pytest

from tasks.entities.ner.clusters import clusters_path
from tasks.entities.ner.memory import NameMemory, memory_path
from tasks.entities.ner.model import NerModel, pass1_path, pass2_path
from tasks.entities.ner.train import bias_folds, choose_bias, inner_folds, pass2_pairs, train_ner

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


def _inner_folds_run(tmp_path):
    """An inner-folds run (fold 1 scored) on 40 copies of CONLL: (its data, work folder, parameters)."""
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    params = dict(max_iterations=20, feature_minfreq=1)
    work = tmp_path / "work"
    inner_folds(data, work, params, scored=(1,))
    return data, work, params


def test_inner_folds_reuse_pass1_for_a_pass2_candidate(tmp_path):
    data, work, params = _inner_folds_run(tmp_path)
    pass1 = pass1_path(work / "fold1" / "ner.crfsuite").read_bytes()
    fold_models = {p: p.stat().st_mtime_ns for p in work.glob(".all_fold*.crfsuite")}
    result = inner_folds(data, work, {**params, "pass2_algorithm": "pa"}, scored=(1,), reuse=True)
    assert result[1]["micro"]["f1"] > 0.9 and pass1_path(work / "fold1" / "ner.crfsuite").read_bytes() == pass1
    assert len(fold_models) == 5 and all(p.stat().st_mtime_ns == t for p, t in fold_models.items())   # not refitted
    with pytest.raises(ValueError):                   # pass-1 fold models of another setting are not taken
        inner_folds(data, work, {**params, "c2": 2.0}, scored=(1,), reuse=True)


def test_train_ner_takes_the_jackknife_of_an_inner_folds_run(tmp_path):
    data, work, params = _inner_folds_run(tmp_path)
    out, again = tmp_path / "m.crfsuite", tmp_path / "m2.crfsuite"
    card = train_ner(data, out, params)
    card2 = train_ner(data, again, params, jackknife_from=work)     # the same fold models: the same files
    assert again.read_bytes() == out.read_bytes() and pass1_path(again).read_bytes() == pass1_path(out).read_bytes()
    assert card2["dev"] == card["dev"] and not list(tmp_path.glob(".*fold*"))
    with pytest.raises(ValueError):                   # fold models of another setting are not taken
        train_ner(data, tmp_path / "m3.crfsuite", {**params, "c2": 2.0}, jackknife_from=work)


def test_inner_folds_three_passes(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    params = dict(max_iterations=20, feature_minfreq=1)
    work = tmp_path / "work"
    result = inner_folds(data, work, params, scored=(0, 3), passes=3)
    assert result[0]["micro"]["gold"] == 200 * 3 and result[0]["micro"]["f1"] > 0.9 and result["mean_micro_f1"] > 0.9
    # the pass-2 jackknife: one model per pair {j, K}, K scored, j another fold (pairs shared by both K)
    assert pass2_pairs((0, 3), 5) == [(0, 1), (0, 2), (0, 3), (0, 4), (1, 3), (2, 3), (3, 4)]
    assert sorted(p.name for p in (work / "pass2").glob("*.crfsuite")) == [
        f"without{a}{b}.crfsuite" for a, b in pass2_pairs((0, 3), 5)]
    for k in (0, 3):                  # fold K's three passes, tagged as the product tags them
        fold = work / f"fold{k}" / "ner.crfsuite"
        assert pass1_path(fold).is_file() and pass2_path(fold).is_file() and NerModel(fold).stacked == [2, 0]
    pair_models = {p: p.stat().st_mtime_ns for p in (work / "pass2").glob("*.crfsuite")}
    again = inner_folds(data, work, params, scored=(0,), passes=3, reuse=True)
    assert again[0] == {**result[0], "fit_seconds": again[0]["fit_seconds"]}        # deterministic
    assert all(p.stat().st_mtime_ns == t for p, t in pair_models.items())           # pair models taken as they are
    with pytest.raises(ValueError):                   # pair models of another setting are not taken
        inner_folds(data, work, {**params, "c1": 0.2}, scored=(0,), passes=3)


def test_bias_folds_scores_a_grid_and_chooses_on_the_other_folds(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    work = tmp_path / "work"
    inner_folds(data, work, dict(max_iterations=20, feature_minfreq=1), scored=(0, 2))
    result = bias_folds(data, work, "ORG", [0.0, 0.5, -50.0], scored=(0, 2))
    table = result["table"]
    assert table[0.0][0]["micro"]["gold"] == 200 * 3 and table[0.0][0]["micro"]["f1"] > 0.9
    assert table[-50.0][0]["ORG"]["predicted"] == 0 < table[0.0][0]["ORG"]["predicted"]   # the bias acts
    assert table[-50.0][0]["PERS"]["recall"] == table[0.0][0]["PERS"]["recall"] > 0.9        # on ORG only
    assert result["chosen"] == {0: result["chosen"][0], 2: result["chosen"][2]} and result["chosen"][0] != -50.0
    assert result["held_out"][0] == table[result["chosen"][0]][0]


def test_choose_bias_takes_the_best_mean_and_the_smaller_value_on_ties():
    def f1(x):
        return {"micro": {"f1": x}}
    table = {0.0: {0: f1(0.70), 1: f1(0.80)}, 0.2: {0: f1(0.72), 1: f1(0.80)}, 0.4: {0: f1(0.74), 1: f1(0.78)},
             -0.2: {0: f1(0.72), 1: f1(0.80)}}
    assert choose_bias(table, [0, 1]) == 0.2          # 0.2, -0.2 and 0.4 tie on the mean: the smallest |b|
    assert choose_bias(table, [0]) == 0.4 and choose_bias(table, [1]) == 0.0


# unlabelled sentences written for the self-training tests (outside every data set)
NEWS = ["وقال رامي عواد في إربد إن وزارة الزراعة تعمل جيدا .", "ذهب الرجل الى السوق صباحا ثم عاد الى بيته .",
        "اجتمع كمال النجار مع ممثلي شركة الصفوة للتأمين في طرطوس .", "وقال هشام بركات في المنصورة إن نقابة الأطباء تعمل جيدا ."]


def test_self_training_is_deterministic_and_adds_the_confident_texts(tmp_path):
    from tasks.entities.ner.selftrain import pseudo_labelled, read_texts
    data, news = tmp_path / "train.txt", tmp_path / "news.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    news.write_text("\n".join(NEWS * 3) + "\n", encoding="utf-8")
    params = dict(max_iterations=20, feature_minfreq=1)
    plain = train_ner(data, tmp_path / "teacher.crfsuite", params)     # the teacher: the same training without it
    st = dict(files=[str(news)], min_conf=0.6)
    card = train_ner(data, tmp_path / "a.crfsuite", params, self_train=st)
    again = train_ner(data, tmp_path / "b.crfsuite", params, self_train=st)
    assert (tmp_path / "a.crfsuite").read_bytes() == (tmp_path / "b.crfsuite").read_bytes()
    assert card["self_training"] == again["self_training"] and card["dev"] == again["dev"]
    kept = pseudo_labelled(tmp_path / "teacher.crfsuite", read_texts([news]), 0.6)
    added = card["self_training"]
    assert added["sentences_added"] == len(kept) > 0 and added["texts"] == 12 and added["min_conf"] == 0.6
    assert all(i % 4 != 1 for i, _ in kept)                               # never the sentence with no name
    assert added["files"][0].startswith("news.txt (sha256 ") and "self_training" not in plain
    # pass 1 is the teacher's; pass 2 learnt from the added texts
    assert pass1_path(tmp_path / "a.crfsuite").read_bytes() == pass1_path(tmp_path / "teacher.crfsuite").read_bytes()
    assert (tmp_path / "a.crfsuite").read_bytes() != (tmp_path / "teacher.crfsuite").read_bytes()
    assert card["dev"]["micro"]["f1"] > 0.9


def test_inner_folds_self_training_uses_the_fold_teacher(tmp_path):
    data, news = tmp_path / "train.txt", tmp_path / "news.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    news.write_text("\n".join(NEWS * 3) + "\n", encoding="utf-8")
    params = dict(max_iterations=20, feature_minfreq=1)
    work = tmp_path / "work"
    base = inner_folds(data, work, params, scored=(1,))
    teacher = work / "teacher1"
    teacher.mkdir()
    for f in (work / "fold1").iterdir():                  # the baseline's fold model is fold 1's teacher
        (teacher / f.name).write_bytes(f.read_bytes())
    baseline_pass2 = (work / "fold1" / "ner.crfsuite").read_bytes()
    result = inner_folds(data, work, params, scored=(1,), reuse=True, self_train=dict(files=[str(news)], min_conf=0.6))
    assert result[1]["self_training"]["sentences_added"] > 0 and result[1]["micro"]["f1"] > 0.9
    assert (teacher / "ner.crfsuite").read_bytes() == baseline_pass2            # taken as it is
    assert (work / "fold1" / "ner.crfsuite").read_bytes() != baseline_pass2
    assert base[1]["micro"]["gold"] == result[1]["micro"]["gold"]
    fresh = inner_folds(data, tmp_path / "w2", params, scored=(1,), self_train=dict(files=[str(news)], min_conf=0.6))
    assert (tmp_path / "w2" / "teacher1" / "ner.crfsuite").read_bytes() == baseline_pass2   # fitted: the same model
    assert fresh[1]["self_training"] == result[1]["self_training"]
    assert (tmp_path / "w2" / "fold1" / "ner.crfsuite").read_bytes() == (work / "fold1" / "ner.crfsuite").read_bytes()


def test_candidate_options_inflections_in_pass_one_only_and_vowels_in_both(tmp_path):
    # train.OPTIONS (branch ner13): pass1_inflections gives pass 1 the inf= features and leaves them
    # out of pass 2's items; vowel_letters gives both passes lv=; the tagging model featurizes them
    from tasks.entities.ner.scorer import CrfWeights
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 10), encoding="utf-8")
    out = tmp_path / "m.crfsuite"
    card = train_ner(data, out, dict(max_iterations=20, feature_minfreq=1, pass1_inflections=True, vowel_letters=True))
    first, second = CrfWeights(pass1_path(out)).attrs, CrfWeights(out).attrs
    assert any(a.startswith("inf=") for a in first) and any(a.startswith("-1:inf=") for a in first)
    assert not any("inf=" in a for a in second)
    assert any(a.startswith("lv=") for a in first) and any(a.startswith("lv=") for a in second)
    model = NerModel(out)
    assert model.featurize.inflected and model.featurize.vowels and card["params"]["pass1_inflections"]
    plain = train_ner(data, tmp_path / "p.crfsuite", dict(max_iterations=20, feature_minfreq=1))
    assert "pass1_inflections" not in plain["params"] and not NerModel(tmp_path / "p.crfsuite").featurize.inflected
