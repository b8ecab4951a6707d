"""`akhbar eval ner --conll FILE` and `akhbar train ner`: figures for any CoNLL file, one-line errors."""

import hashlib
import json

from typer.testing import CliRunner

from interfaces.cli import app

runner = CliRunner()
# written for this test (not ANERcorp): two sentences, PERS/LOC/ORG and a MISC
CONLL = """وصرح B-PERS
أندريا I-PERS
بيرلو I-PERS
في O
القاهرة B-LOC
. O

وصل O
وفد O
الأمم B-ORG
المتحدة I-ORG
إلى O
كأس B-MISC
العالم I-MISC
. O
"""


def cli(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_eval_ner_prints_figures_per_type(tmp_path):
    f = tmp_path / "mine.conll"
    f.write_text(CONLL, encoding="utf-8")
    result = cli("eval", "ner", "--conll", f, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["sentences"] == 2 and out["tokens"] == 14
    scores = out["scores"]
    assert {"PERS", "LOC", "ORG", "micro"} <= set(scores)
    assert scores["LOC"]["gold"] == 1 and scores["ORG"]["gold"] == 1 and scores["micro"]["gold"] == 3
    table = cli("eval", "ner", "--conll", f)
    assert table.exit_code == 0 and "micro" in table.output and "PERS" in table.output


def test_eval_ner_bad_file_is_one_line_and_nonzero(tmp_path):
    bad = tmp_path / "bad.conll"
    bad.write_text("كلمة\nأخرى B-PERS\n", encoding="utf-8")
    for args in (("--conll", bad), ("--conll", tmp_path / "missing.conll")):
        result = cli("eval", "ner", *args)
        assert result.exit_code != 0
        lines = [x for x in result.output.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:")


def test_train_ner_missing_data_fails(tmp_path):
    result = cli("train", "ner", "--data", tmp_path / "none.txt", "--out", tmp_path / "m.crfsuite")
    assert result.exit_code == 3 and "not found" in result.output


def test_train_ner_small_file(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 10), encoding="utf-8")
    result = cli("train", "ner", "--data", data, "--out", tmp_path / "m.crfsuite", "--json")
    assert result.exit_code == 0, result.output
    card = json.loads(result.output)
    assert card["training_data"]["sentences"] == 20 and (tmp_path / "m.json").is_file()


def test_train_ner_bad_options_are_one_line_usage_errors(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 10), encoding="utf-8")
    for args, said in ((["--labels", "iob2"], "--labels"), (["--inner-folds", "0,7"], "folds are 0-4"),
                       (["--inner-folds", "a,b"], "--inner-folds"), (["--pass2-algorithm", "sgd"], "--pass2-algorithm"),
                       (["--passes", "4", "--inner-folds", "0"], "--passes"), (["--passes", "3"], "--passes"),
                       (["--self-train-from", data, "--self-train-min-conf", "0"], "--self-train-min-conf"),
                       (["--self-train-from", data, "--passes", "3", "--inner-folds", "0"], "--self-train-from"),
                       (["--option", "colour=1"], "--option"), (["--option", "cluster_levels=256,x"], "--option"),
                       (["--option", "pass1_inflections=yes"], "--option")):
        result = cli("train", "ner", "--data", data, "--work", tmp_path / "w", *args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)
    assert not (tmp_path / "w").exists()


def test_train_ner_jackknife_from_a_folder_without_fold_models_is_a_usage_error(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 10), encoding="utf-8")
    (tmp_path / "w").mkdir()
    result = cli("train", "ner", "--data", data, "--out", tmp_path / "m.crfsuite", "--jackknife-from", tmp_path / "w")
    assert result.exit_code == 2 and "pass-1 fold models" in result.output, result.output


def test_train_ner_inner_folds_prints_and_writes_scores(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 300), encoding="utf-8")        # 600 sentences: folds 0-4 of blocks 0-5
    result = cli("train", "ner", "--data", data, "--work", tmp_path / "w", "--inner-folds", "1", "--labels", "bioes")
    assert result.exit_code == 0, result.output
    scores = json.loads((tmp_path / "w" / "scores.json").read_text(encoding="utf-8"))
    assert "fold 1: micro" in result.output and scores["params"] == {"labels": "bioes"}
    assert scores["folds"]["1"]["micro"]["gold"] > 0


def test_train_ner_bias_grid_scores_fold_models_without_training(tmp_path):
    data = tmp_path / "train.txt"
    data.write_text("\n".join([CONLL] * 300), encoding="utf-8")
    work = tmp_path / "w"
    for args, said in ((["--bias-grid", "ORG=0.5"], "--inner-folds"),
                       (["--inner-folds", "1", "--bias-grid", "ORG=0.5"], "no fold models"),
                       (["--inner-folds", "1", "--bias-grid", "ORG=a"], "--bias-grid")):
        result = cli("train", "ner", "--data", data, "--work", work, *args)
        assert result.exit_code == 2 and said in result.output, (args, result.output)
    assert cli("train", "ner", "--data", data, "--work", work, "--inner-folds", "1").exit_code == 0
    model = work / "fold1" / "ner.crfsuite"
    stamp = model.stat().st_mtime_ns
    result = cli("train", "ner", "--data", data, "--work", work, "--inner-folds", "1", "--bias-grid", "ORG=0.2,-30")
    assert result.exit_code == 0, result.output
    assert "ORG +0.20: fold 1 F1" in result.output and "chosen on the other folds" in result.output
    saved = json.loads((work / "bias_ORG.json").read_text(encoding="utf-8"))
    assert saved["table"]["-30.0"]["1"]["ORG"]["predicted"] == 0 < saved["table"]["0.2"]["1"]["ORG"]["predicted"]
    assert model.stat().st_mtime_ns == stamp                      # nothing retrained


def test_train_ner_self_training_records_what_it_added(tmp_path):
    data, news = tmp_path / "train.txt", tmp_path / "news.txt"
    data.write_text("\n".join([CONLL] * 10), encoding="utf-8")
    assert cli("train", "ner", "--data", data, "--self-train-from", tmp_path / "none.txt").exit_code == 3
    # written for this test: a name in a known context, and a sentence with no name
    news.write_text("وصرح أندريا بيرلو في القاهرة .\nذهب الرجل الى السوق .\n", encoding="utf-8")
    result = cli("train", "ner", "--data", data, "--out", tmp_path / "m.crfsuite", "--json",
                 "--self-train-from", news, "--self-train-min-conf", "0.5")
    assert result.exit_code == 0, result.output
    added = json.loads(result.output)["self_training"]
    assert added["texts"] == 2 and added["min_conf"] == 0.5 and added["sentences_added"] <= 1
    assert added["files"] == [f"news.txt (sha256 {hashlib.sha256(news.read_bytes()).hexdigest()[:16]})"]


def test_eval_ner_dev_split_scores_the_held_out_blocks_only(tmp_path):
    """--dev-split scores the blocks `akhbar train ner` holds out (every 8th block of 100 sentences):
    400 copies of the two written sentences above (3 PERS/LOC/ORG chunks a copy), of which sentences 700-799 are dev."""
    f = tmp_path / "many.conll"
    f.write_text("\n".join([CONLL] * 400), encoding="utf-8")
    whole = json.loads(cli("eval", "ner", "--conll", f, "--json").output)
    result = cli("eval", "ner", "--conll", f, "--dev-split", "--json")
    assert result.exit_code == 0, result.output
    dev = json.loads(result.output)
    assert whole["sentences"] == 800 and dev["sentences"] == 100 and dev["file"].endswith("(dev split)")
    assert dev["scores"]["micro"]["gold"] == 50 * 3 and dev["scores"]["micro"]["predicted"] > 0
