"""The numpy scorer (tasks/entities/ner/scorer.py) gives crfsuite's labels and marginals: on a CRF
trained here, on the committed models over sentences written for these tests, and on ANERcorp's
train part when it is there; batching articles changes nothing."""

from pathlib import Path

import numpy as np
import pycrfsuite
import pytest

from tasks.entities.ner.conll import read_conll
from tasks.entities.ner.features import DOC_SENTENCES, sentence_rule_marks
from tasks.entities.ner.model import load_model
from tasks.entities.ner.scorer import CrfWeights, DocumentScorer, marginals, viterbi

ROOT = Path(__file__).resolve().parents[4]
ANERCORP = ROOT.parent / "shared" / "data" / "anercorp" / "train.txt"
TEXTS = [
    "وقال وزير الخارجية الأردني أيمن الصفدي إن بلاده ترفض أي تهجير للفلسطينيين من غزة.",
    "أعلن نادي الهلال السعودي تعاقده مع المدافع البرازيلي رينان لودي قادما من مرسيليا.",
    "وصرح رياك مشار أن الاتفاق مع حكومة جوبا لن يصمد. وأكد مصدر مطلع في الخرطوم أن المحادثات توقفت.",
    "افتتح البنك الأهلي التجاري فرعا جديدا في بريدة، وحضر الافتتاح أمير منطقة القصيم.",
]


@pytest.fixture(scope="module")
def model():
    return load_model()


def crfsuite_tags(path: Path, items):
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    labels = tagger.tag(items)
    return labels, np.array([[tagger.marginal(lab, t) for lab in tagger.labels()] for t in range(len(items))])


def test_weights_read_from_the_file_match_crfsuites_dump(tmp_path):
    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.append([["w=a", "x"], ["w=b"], ["w=c", "x"]], ["B-PERS", "I-PERS", "O"])
    trainer.append([["w=d"], ["w=a"]], ["O", "B-LOC"])
    trainer.set_params({"c1": 0.0, "c2": 0.1, "max_iterations": 30, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "m.crfsuite"))
    tagger = pycrfsuite.Tagger()
    tagger.open(str(tmp_path / "m.crfsuite"))
    info = tagger.info()
    weights = CrfWeights(tmp_path / "m.crfsuite")
    assert weights.labels == tagger.labels()
    for (attr, label), w in info.state_features.items():
        assert weights.state[weights.attrs[attr], weights.labels.index(label)] == pytest.approx(w, abs=1e-6)
    for (a, b), w in info.transitions.items():
        assert weights.trans[weights.labels.index(a), weights.labels.index(b)] == pytest.approx(w, abs=1e-6)
    # a sentence of known, unknown and repeated attributes: the same labels and marginals
    items = [["w=a", "x", "zz"], ["w=b", "w=b"], ["w=d"], ["w=c", "x"]]
    labels, probs = crfsuite_tags(tmp_path / "m.crfsuite", items)
    scores = np.array([[sum(weights.state[weights.attrs[a]][j] for a in item if a in weights.attrs)
                        for j in range(len(weights.labels))] for item in items])
    assert viterbi(weights, scores, [len(items)]) == [labels]
    assert np.abs(marginals(weights, scores, [len(items)])[0] - probs).max() < 1e-9


def test_committed_models_tagged_in_numpy_match_crfsuite(model):
    sentences = [t.split() for text in TEXTS for t in text.split(". ")]
    rules = [sentence_rule_marks(s) for s in sentences]
    labels, probs = model.tag_document(sentences, rules)
    ref_labels, ref_probs = model.tag_document(sentences, rules, engine="crfsuite")
    assert labels == ref_labels
    assert any(lab != "O" for labs in labels for lab in labs)
    assert max(abs(a - b) for pa, pb in zip(probs, ref_probs) for a, b in zip(pa, pb)) < 1e-9


def test_articles_tagged_together_as_one_by_one(model):
    articles = [(text, [(0, len(text))], None, None) for text in TEXTS]
    together = model.articles_mentions(articles)
    assert together == [model.article_mentions(text, sents) for text, sents, _, _ in articles]
    assert sum(len(s) for a in together for s in a) >= 6


def test_scorer_sums_each_words_rows_with_its_neighbours(model):
    scorer: DocumentScorer = model.scorer
    toks = [["قال", "محمد", "علي"], ["في", "بغداد"]]
    parts = [model.featurize.parts(t, [[] for _ in t]) for t in toks]
    both = scorer(toks, parts)
    alone = np.concatenate([scorer([t], [p]) for t, p in zip(toks, parts)])
    assert both.shape == (5, sum(len(m.labels) for m in scorer.models))
    assert np.allclose(both, alone)      # no neighbour crosses a sentence end


@pytest.mark.skipif(not ANERCORP.is_file(), reason="needs ../shared/data/anercorp/train.txt")
def test_numpy_labels_equal_crfsuites_on_anercorp_train_documents(model):
    sentences = read_conll(ANERCORP)[:600]
    for a in range(0, len(sentences), DOC_SENTENCES):
        doc = [[t for t, _ in s] for s in sentences[a:a + DOC_SENTENCES]]
        rules = [sentence_rule_marks(s) for s in doc]
        labels, probs = model.tag_document(doc, rules)
        ref_labels, ref_probs = model.tag_document(doc, rules, engine="crfsuite")
        assert labels == ref_labels
        assert max(abs(x - y) for pa, pb in zip(probs, ref_probs) for x, y in zip(pa, pb)) < 1e-9


def test_threads_share_the_row_cache_safely(model):
    from concurrent.futures import ThreadPoolExecutor
    texts = [t.replace("في", "وفي") + " " + TEXTS[(k + 1) % len(TEXTS)] for k, t in enumerate(TEXTS)] * 3
    one_by_one = [model.article_mentions(t, [(0, len(t))]) for t in texts]
    model.scorer.index.clear()            # every word new again: the threads fill the cache together
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda t: model.article_mentions(t, [(0, len(t))]), texts)) == one_by_one


def test_label_scores_equal_the_label_marks_looked_up_one_by_one(model):
    from tasks.entities.ner.features import label_marks
    scorer = model.scorer
    labels = [["O", "B-PERS", "I-PERS", "O"], ["B-LOC"], ["O", "B-ORG"]]
    got = model.label_scores[0](labels)              # what the last pass adds from the labels before it
    cols = scorer.cols[0]
    want = np.array([[sum(scorer.state[scorer.attrs[f], cols][j] for f in marks if f in scorer.attrs)
                      for j in range(cols.stop - cols.start)] for labs in labels for marks in label_marks(labs)])
    assert np.abs(got - want).max() < 1e-12 and np.abs(want).max() > 0


def test_new_words_rows_are_the_one_by_one_sums_to_the_last_bit(model):
    """DocumentScorer.vectors/role_ids (a batch's new words at once) give exactly vector()'s sums of
    each word's own and neighbour features (sentences written for this test, outside every data set)."""
    from tasks.entities.ner.features import neighbour_features
    from tasks.entities.ner.scorer import ROLES
    tokens = sorted({t for text in TEXTS + ["وأفادت وكالة الأنباء بأن 12 شخصا أصيبوا في مدينة حماة يوم الجمعة."]
                     for t in text.replace(".", " .").replace("،", " ،").split()})
    words = [model.featurize.words[t] for t in tokens]
    scorer = model.scorer
    rows = scorer.vectors(scorer.role_ids(words))
    one_by_one = np.array([scorer.vector(w[0] if d is None else neighbour_features(w[1])[d]) for w in words for d in ROLES])
    assert rows.shape == one_by_one.shape and np.array_equal(rows, one_by_one)


def test_bigram_index_matches_the_formatted_attribute():
    from tasks.entities.ner.scorer import bigram_index
    attrs = {"bg=في|مدينة": 3, "bg=a|b|c": 7, "w=في": 1}
    index = bigram_index(attrs)
    assert index["في"]["مدينة"] == 3 and index["a"]["b|c"] == 7 and index["a|b"]["c"] == 7
    assert "w=في" not in index and "في" not in index.get("w=", {})
