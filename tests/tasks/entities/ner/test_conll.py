"""CoNLL reading, conlleval-style chunking and scoring, the dev split (tasks/entities/ner/conll.py)."""

import pytest

from tasks.entities.ner.conll import ConllError, encoding_of, parse_conll, read_conll, relabel, score, spans, split


def test_parse_tab_and_space_and_extra_columns():
    sents = parse_conll("قال O\nمحمد\tB-PERS\nعلي x I-PERS\n\nفي O\nبغداد B-LOC\n")
    assert sents == [[("قال", "O"), ("محمد", "B-PERS"), ("علي", "I-PERS")], [("في", "O"), ("بغداد", "B-LOC")]]


@pytest.mark.parametrize("text", ["", "\n\n", "كلمة\n", "كلمة LABEL\n", "كلمة B-\n"])
def test_bad_files_raise_with_the_line(text):
    with pytest.raises(ConllError):
        parse_conll(text, "f.txt")


def test_missing_file_and_binary_file(tmp_path):
    with pytest.raises(ConllError, match="no such file"):
        read_conll(tmp_path / "nope.txt")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(ConllError, match="UTF-8"):
        read_conll(bad)


def test_spans_conlleval_chunking():
    assert spans(["B-PERS", "I-PERS", "O", "B-LOC"]) == {("PERS", 0, 2), ("LOC", 3, 4)}
    # I- after O opens a chunk; a type change closes one
    assert spans(["I-ORG", "I-ORG", "I-LOC"]) == {("ORG", 0, 2), ("LOC", 2, 3)}
    assert spans(["B-PERS", "B-PERS"]) == {("PERS", 0, 1), ("PERS", 1, 2)}
    assert spans(["O", "O"]) == set()


def test_score_exact_chunks_and_misc_outside_micro():
    gold = [["B-PERS", "I-PERS", "O", "B-LOC", "B-MISC"]]
    pred = [["B-PERS", "O", "O", "B-LOC", "B-MISC"]]
    out = score(gold, pred)
    assert out["PERS"]["tp"] == 0 and out["PERS"]["fp"] == 1 and out["PERS"]["fn"] == 1
    assert out["LOC"]["f1"] == 1.0
    assert out["MISC"]["tp"] == 1
    assert out["micro"]["tp"] == 1 and out["micro"]["gold"] == 2 and out["micro"]["predicted"] == 2


def test_empty_prediction_scores_zero():
    out = score([["B-PERS", "O"]], [["O", "O"]])
    assert out["micro"]["f1"] == 0.0 and out["micro"]["recall"] == 0.0


def test_split_by_blocks_is_deterministic_and_disjoint():
    sents = [[(f"w{i}", "O")] for i in range(1000)]
    train, dev = split(sents)
    assert len(dev) == 100 and len(train) == 900
    assert dev[0] == sents[700] and dev[-1] == sents[799]
    assert split(sents) == (train, dev)


def test_spans_read_bioes_labels():
    # S- is a chunk of one token, E- closes a chunk: the same chunks as the BIO labels
    assert spans(["S-PERS", "S-PERS", "O", "B-ORG", "I-ORG", "E-ORG", "S-LOC"]) == {
        ("PERS", 0, 1), ("PERS", 1, 2), ("ORG", 3, 6), ("LOC", 6, 7)}
    assert spans(["B-LOC", "E-LOC", "I-LOC", "E-LOC"]) == {("LOC", 0, 2), ("LOC", 2, 4)}   # I after E opens one
    assert spans(["E-ORG"]) == {("ORG", 0, 1)}


def test_relabel_round_trip():
    bio = ["B-PERS", "I-PERS", "O", "B-LOC", "B-LOC", "I-ORG", "I-ORG", "I-ORG", "B-MISC"]
    bioes = relabel(bio, "bioes")
    assert bioes == ["B-PERS", "E-PERS", "O", "S-LOC", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "S-MISC"]
    assert relabel(bioes, "bio") == ["B-PERS", "I-PERS", "O", "B-LOC", "B-LOC", "B-ORG", "I-ORG", "I-ORG", "B-MISC"]
    assert spans(bioes) == spans(bio) and relabel([], "bioes") == []
    assert encoding_of(["O", "B-PERS", "I-PERS"]) == "bio" and encoding_of(["O", "S-LOC"]) == "bioes"
    with pytest.raises(ValueError):
        relabel(bio, "iob2")


def _spans_every_label(labels):
    """conlleval's chunking visiting every label, O included (the reference `spans` skips the O's of)."""
    out, typ, start = set(), None, 0
    for i, lab in enumerate(list(labels) + ["O"]):
        tag, _, t = lab.partition("-")
        if typ is not None and (tag not in ("I", "E") or t != typ):
            out.add((typ, start, i))
            typ = None
        if tag in ("B", "S") or (tag in ("I", "E") and typ is None):
            typ, start = t, i
        if tag in ("E", "S"):
            out.add((typ, start, i + 1))
            typ = None
    return out


def test_spans_skipping_o_labels_chunks_as_visiting_every_label():
    import random
    rng = random.Random(14)
    alphabet = ["O"] * 4 + [f"{tag}-{typ}" for tag in "BIES" for typ in ("PERS", "LOC")]
    for _ in range(3000):
        labels = [rng.choice(alphabet) for _ in range(rng.randint(0, 12))]
        assert spans(labels) == _spans_every_label(labels), labels
        assert spans(tuple(labels)) == spans(iter(labels)) == spans(labels)
