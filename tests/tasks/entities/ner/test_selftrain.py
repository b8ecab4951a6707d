"""Self-training (selftrain.py): only texts the teacher tags confidently are added, deterministically."""

import pytest

from tasks.entities.ner.conll import spans
from tasks.entities.ner.model import NerModel
from tasks.entities.ner.selftrain import confident, pseudo_labelled, read_texts
from tasks.entities.ner.train import train_ner

from tests.tasks.entities.ner.test_train import CONLL

# unlabelled sentences written for this test (names and places outside every data set); some in the
# training sentences' pattern, some with words the tiny model never saw, one with no name at all
TEXTS = [
    "وقال رامي عواد في إربد إن وزارة الزراعة تعمل جيدا .",
    "وقال سامر خليل في حمص إن وزارة الصحة تعمل جيدا .",
    "وقال هشام بركات في المنصورة إن نقابة الأطباء تعمل جيدا .",
    "زار فريق من مؤسسة الأمل قرية الدير الأحمر يوم أمس .",
    "اجتمع كمال النجار مع ممثلي شركة الصفوة للتأمين في طرطوس .",
    "ذهب الرجل الى السوق صباحا ثم عاد الى بيته .",
    "وصل وفد منظمة الغذاء الى مدينة قلقيلية مساء الأحد .",
    "وقال جون سميث في لندن إن بنك إنجلترا تعمل جيدا .",
]


def test_confident_needs_a_chunk_and_every_chunk_above_the_cut():
    labels = ["O", "B-PERS", "I-PERS", "O", "B-LOC"]
    assert confident(labels, [0.5, 0.96, 0.86, 0.2, 0.91], 0.9)         # PERS mean 0.91, LOC 0.91
    assert not confident(labels, [0.9, 0.95, 0.80, 0.99, 0.91], 0.9)    # PERS mean 0.875
    assert not confident(labels, [0.9, 0.95, 0.95, 0.99, 0.89], 0.9)    # LOC 0.89
    assert not confident(["O", "O", "O"], [0.1, 0.2, 0.3], 0.0)         # no chunk: never kept


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("selftrain")
    data = tmp / "train.txt"
    data.write_text("\n".join([CONLL] * 40), encoding="utf-8")
    texts = tmp / "news.txt"
    texts.write_text("\n".join(TEXTS) + "\n", encoding="utf-8")
    out = tmp / "m.crfsuite"
    train_ner(data, out, dict(max_iterations=20, feature_minfreq=1))
    return out, texts


def chunk_confidences(model: NerModel, tokens: list[str]) -> list[float]:
    """Each chunk's mean marginal through crfsuite's own tagger (the reference engine)."""
    labels, probs = (x[0] for x in model.tag_document([tokens], engine="crfsuite"))
    return [sum(probs[a:b]) / (b - a) for _, a, b in spans(labels)]


def test_pseudo_labelled_keeps_exactly_the_confident_texts(teacher):
    out, path = teacher
    texts = read_texts([path])
    assert len(texts) == len(TEXTS)
    model = NerModel(out)
    lowest = [min(chunk_confidences(model, toks), default=None) for toks in texts]
    assert lowest[5] is None                                  # the sentence with no name has no chunk
    with_chunks = sorted({round(c, 6) for c in lowest if c is not None})
    m = len(with_chunks) // 2
    cut = (with_chunks[m - 1] + with_chunks[m]) / 2           # a cut inside the spread: some kept, some not
    kept = pseudo_labelled(out, texts, cut)
    assert [i for i, _ in kept] == [i for i, c in enumerate(lowest) if c is not None and c >= cut]
    assert 0 < len(kept) < sum(c is not None for c in lowest)
    for i, labels in kept:
        assert labels == model.tag(texts[i]) and spans(labels)
    assert pseudo_labelled(out, texts, cut) == kept           # deterministic
    assert {i for i, _ in pseudo_labelled(out, texts, 0.0)} == {i for i, c in enumerate(lowest) if c is not None}
