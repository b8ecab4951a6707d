"""Training the CRF tagger deterministically: sorted, fixed inputs, fixed parameters, one thread.

`train_ner(data, out)` reads ANERcorp's train part (CoNLL), holds out the dev split
(tasks.entities.ner.conll.split), and trains python-crfsuite (L-BFGS, L1 c1 + L2 c2, features
seen fewer than `feature_minfreq` times dropped) in two passes on the rest:

1. pass 1 on the sentence features (features.Featurizer, with the rule tagger's marks);
2. pass 2 on the same features plus document evidence and the pass-1 labels at -2..+2
   (features.doc_marks, label_marks) computed from pass-1 labels. So that pass 2 learns from pass-1 labels as good as on unseen text, the training
   sentences' pass-1 labels come from jackknife models (FOLDS folds of 100-sentence blocks, each
   tagged by a model trained on the others); documents are DOC_SENTENCES consecutive sentences.

Before both passes it builds the word clusters (clusters.py: the training sentences' text plus
the `unlabeled` files) and the name memory (memory.py: the training labels; each training
sentence gets the memory of the other folds, so remembered names are trusted as far as they hold
on unseen text), written beside the model. It scores the dev split the way the product tags
(pass 1, then pass 2) and writes the model files and the card (training data sha256, feature set
version, parameters, dev P/R/F1 per type).

Options decided on inner folds (`inner_folds`, `akhbar train ner --inner-folds 0,1,2`; the dev split
never read): the label encoding (params["labels"]: BIO, or BIOES given out as BIO by the model) and
pass 2's crfsuite algorithm (params["pass2_algorithm"]); the committed setting (BIO, L-BFGS) and
the fold figures of the others are in docs/entities.md (NER tagger, branch ner8). A third pass
(`--passes 3`: pass 2's features from pass-2 labels, trained on a pass-2 jackknife; pass2_jackknife)
is scored there only (branch ner9: not better, so the product trains two passes). Self-training
(`self_train`, `akhbar train ner --self-train-from FILE`; selftrain.py): pass 2 trained again with the
unlabelled texts its two-pass teacher tags confidently (branch ner11: not better on the inner folds,
so `make train-ner` does not use it).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pycrfsuite

from tasks.entities.ner.clusters import (build_cluster_levels, clusters_path, read_clusters, read_unlabeled,
                                         write_clusters)
from tasks.entities.ner.conll import DEV_BLOCK, DEV_EVERY, Sentence, file_sha256, read_conll, relabel, score
from tasks.entities.ner.features import (DOC_SENTENCES, FEATURE_VERSION, Featurizer, doc_marks,
                                         is_inflection_feature, sentence_rule_marks)
from tasks.entities.ner.memory import NameMemory, memory_path
from tasks.entities.ner.model import NerModel, pass1_path, pass2_path
from tasks.entities.ner.selftrain import self_training_set

# vowel_letters: the stem's long-vowel letters (features.vowel_bucket; feature set 5, kept on branch ner13's inner folds)
PARAMS = dict(c1=0.1, c2=1.0, max_iterations=150, feature_minfreq=2, folds=5, labels="bio", pass2_algorithm="lbfgs",
              vowel_letters=True)
# candidate options (branch ner13), off unless given: the word clusters at several granularities
# (clusters.build_cluster_levels), the stem's inflection count in pass 1's features only
# (in params only when given, so the committed setting's params, stamps and card stay as they were)
OPTIONS = dict(cluster_levels=[256], pass1_inflections=False, vowel_letters=False)


def fit(items: list[list[list[str]]], labels: list[list[str]], model_path: Path, params: dict,
        algorithm: str = "lbfgs") -> None:
    """Train one CRF on feature sequences and write the model file (single-threaded, deterministic).
    `algorithm`: crfsuite's lbfgs (L1 c1 + L2 c2), or ap / pa (averaged perceptron, passive-aggressive:
    their own defaults, no c1/c2)."""
    trainer = pycrfsuite.Trainer(algorithm=algorithm, verbose=False)
    for x, y in zip(items, labels):
        trainer.append(x, y)
    common = {"max_iterations": params["max_iterations"], "feature.minfreq": params["feature_minfreq"],
              "feature.possible_transitions": True}
    trainer.set_params({"c1": params["c1"], "c2": params["c2"], **common} if algorithm == "lbfgs" else common)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model_path))


def documents(indices: list[int]) -> list[list[int]]:
    """Consecutive runs of DOC_SENTENCES sentence indices (by position in the file)."""
    docs: dict[int, list[int]] = {}
    for i in indices:
        docs.setdefault(i // DOC_SENTENCES, []).append(i)
    return [docs[k] for k in sorted(docs)]


def with_doc_marks(tokens, base, first, indices):
    """Pass-2 items of `indices`: base features plus doc_marks from pass-1 labels, per document."""
    out = {}
    for doc in documents(indices):
        extra = doc_marks([tokens[i] for i in doc], [first[i] for i in doc])
        for i, marks in zip(doc, extra):
            out[i] = [item + more for item, more in zip(base[i], marks)]
    return out


def fold_of(i: int, folds: int) -> int:
    return (i // DEV_BLOCK) % folds


def side_tables(tokens, labels, train, out: Path, folds: int, unlabeled=(),
                levels=tuple(OPTIONS["cluster_levels"])) -> tuple[dict, dict[int, list]]:
    """Build and write the word clusters (at the granularities `levels`) and name memory beside `out`;
    return the clusters and, per training sentence, its memory marks from the other folds' labels (jackknife)."""
    words = Featurizer().words
    stems = [[words[t][3] for t in toks] for toks in tokens]
    text = [stems[i] for i in train] + [[words[t][3] for t in toks] for path in unlabeled
                                        for toks in read_unlabeled(Path(path))]
    clusters = build_cluster_levels(text, tuple(levels))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_clusters(clusters, clusters_path(out))
    NameMemory.build([stems[i] for i in train], [labels[i] for i in train]).write(memory_path(out))
    marks: dict[int, list] = {}
    for k in range(folds):
        memory = NameMemory.build([stems[i] for i in train if fold_of(i, folds) != k],
                                  [labels[i] for i in train if fold_of(i, folds) != k])
        marks.update({i: memory.marks(stems[i]) for i in train if fold_of(i, folds) == k})
    return clusters, marks


def base_features(tokens, train, clusters, memory, inflected: bool = False, vowels: bool = False) -> dict[int, list]:
    """Pass-1 features of the training sentences (with the rule tagger's and the memory's marks);
    `inflected`: with the inflection count (features.inflection_bucket); `vowels`: features.vowel_bucket."""
    featurize = Featurizer(clusters=clusters, inflected=inflected, vowels=vowels)
    return {i: featurize(tokens[i], [r + m for r, m in zip(sentence_rule_marks(tokens[i]), memory[i])])
            for i in train}


def pass2_base(base: dict[int, list], params: dict) -> dict[int, list]:
    """The sentence features pass 2 builds on: pass 1's, less the pass-1-only inflection count."""
    if not params.get("pass1_inflections"):
        return base
    return {i: [[f for f in item if not is_inflection_feature(f)] for item in items] for i, items in base.items()}


def fold_model_path(out: Path, k: int) -> Path:
    return out.with_name(f".{out.stem}_fold{k}.crfsuite")


def jackknife(base, labels, train, folds: int, out: Path, params: dict, keep: bool = False,
              reuse: bool = False) -> dict[int, list[str]]:
    """Pass-1 labels of each training sentence from a model trained on the other folds (fold_of);
    the fold models (fold_model_path) are removed unless `keep`; `reuse`: a fold model already
    there is taken as it is (the caller's word that it was trained with the same pass-1 setting)."""
    first: dict[int, list[str]] = {}
    for k in range(folds):
        held = [i for i in train if fold_of(i, folds) == k]
        rest = [i for i in train if fold_of(i, folds) != k]
        if not held or not rest:
            continue
        fold_path = fold_model_path(out, k)
        if not (reuse and fold_path.is_file()):
            fit([base[i] for i in rest], [labels[i] for i in rest], fold_path, params)
        tagger = pycrfsuite.Tagger()
        tagger.open(str(fold_path))
        first.update({i: tagger.tag(base[i]) for i in held})
        tagger.close()
        if not keep:
            fold_path.unlink()
    return first


def two_pass(sentences: list[Sentence], is_dev: list[bool], out: Path, params: dict, unlabeled=(),
             self_train: dict | None = None, jackknife_from: Path | None = None) -> dict | None:
    """Train pass 1 (file pass1_path(out)) and pass 2 (out) on the sentences not in dev, both on
    the labels written in params["labels"] (BIO or BIOES; conll.relabel). `self_train`
    {"files": [...], "min_conf": c}: then pass 2 is trained again with the texts of those files that
    this two-pass model (the teacher) tags confidently (selftrain.py); returns their summary.
    `jackknife_from`: the work folder of an inner_folds run of the same pass-1 setting on the same
    data, whose pass-1 fold models are the jackknife's (the same fit: copied, not refitted)."""
    tokens = [[t for t, _ in s] for s in sentences]
    gold = [[lab for _, lab in s] for s in sentences]
    labels = [relabel(g, params["labels"]) for g in gold]
    train = [i for i in range(len(sentences)) if not is_dev[i]]
    folds = params["folds"]
    options = {**OPTIONS, **params}
    clusters, memory = side_tables(tokens, gold, train, out, folds, unlabeled, tuple(options["cluster_levels"]))
    base = base_features(tokens, train, clusters, memory, options["pass1_inflections"], options["vowel_letters"])
    if jackknife_from is not None:
        copy_jackknife(jackknife_from, out, params)
    first = jackknife(base, labels, train, folds, out, params, reuse=jackknife_from is not None)
    fit([base[i] for i in train], [labels[i] for i in train], pass1_path(out), params)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(pass1_path(out)))
    first.update({i: tagger.tag(base[i]) for i in train if i not in first})
    tagger.close()
    second = with_doc_marks(tokens, pass2_base(base, params), first, train)
    fit([second[i] for i in train], [labels[i] for i in train], out, params, params["pass2_algorithm"])
    if not self_train:
        return None
    items, pseudo, summary = self_training_set(      # the memory beside `out`: the whole training part's
        out, self_train["files"], self_train["min_conf"], clusters, NameMemory.read(memory_path(out)),
        pass1_path(out), params["labels"], params.get("label_bias"))
    fit([second[i] for i in train] + items, [labels[i] for i in train] + pseudo, out, params,
        params["pass2_algorithm"])
    return summary


def copy_jackknife(work: Path, out: Path, params: dict) -> None:
    """The pass-1 fold models of an inner_folds run in `work` copied to where two_pass's jackknife
    writes its own (fold_model_path(out, k)); refused when they were trained with other pass-1 params."""
    stamp = work / "pass1_params.json"
    pass1 = {k: v for k, v in params.items() if k not in ("pass2_algorithm", "label_bias")}
    if not stamp.is_file() or json.loads(stamp.read_text(encoding="utf-8")) != pass1:
        raise ValueError(f"{work}: no pass-1 fold models of these params ({stamp})")
    for k in range(params["folds"]):
        shutil.copyfile(fold_model_path(work / "all.crfsuite", k), fold_model_path(out, k))


def inner_folds(data: Path, work: Path, params: dict | None = None, scored=(0, 1, 2), unlabeled=(),
                reuse: bool = False, passes: int = 2, self_train: dict | None = None) -> dict:
    """Score a training setting on inner folds of the training part (the dev split is never read):
    the pass-1 jackknife of two_pass (its fold models kept), then for each fold K of `scored` a pass 2
    trained on the other folds with their jackknifed pass-1 labels, saved under work/foldK/ with fold
    K's pass-1 model, the word clusters and the other folds' name memory, and fold K tagged as the
    product tags (evaluate_file). Returns {K: scores} (conll.score) plus their mean micro F1.
    `reuse`: take the pass-1 fold models already in `work` (a pass-2-only candidate: pass-1 setting
    unchanged; checked against the params they were trained with, written beside them).
    `passes` 3: a third pass (pass 2's features from pass-2 labels) trained on the other folds with
    their pass-2 jackknife labels (pass2_jackknife), fold K tagged pass 1 -> pass 2 (work/foldK/
    ner_pass2.crfsuite, trained as for two passes; with `reuse`, taken when there) -> pass 3.
    `self_train` (two passes; two_pass): fold K's pass 2 also learns from the texts its teacher, the
    baseline two-pass model without fold K (fold_teacher), tags confidently."""
    params = {**PARAMS, **(params or {})}
    sentences = read_conll(data)
    tokens = [[t for t, _ in s] for s in sentences]
    gold = [[lab for _, lab in s] for s in sentences]
    labels = [relabel(g, params["labels"]) for g in gold]
    train = [i for i in range(len(sentences)) if not dev_mask(len(sentences))[i]]
    folds, out = params["folds"], work / "all.crfsuite"
    options = {**OPTIONS, **params}
    clusters, memory = side_tables(tokens, gold, train, out, folds, unlabeled, tuple(options["cluster_levels"]))
    base = base_features(tokens, train, clusters, memory, options["pass1_inflections"], options["vowel_letters"])
    stamp, pass1 = work / "pass1_params.json", {k: v for k, v in params.items() if k != "pass2_algorithm"}
    if reuse and stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) != pass1:
        raise ValueError(f"{work}: its pass-1 fold models were trained with other params ({stamp})")
    first = jackknife(base, labels, train, folds, out, params, keep=True, reuse=reuse and stamp.is_file())
    stamp.write_text(json.dumps(pass1, sort_keys=True) + "\n", encoding="utf-8")
    words = Featurizer().words
    stems = [[words[t][3] for t in toks] for toks in tokens]
    second = with_doc_marks(tokens, pass2_base(base, params), first, train)     # documents never cross a fold (100-sentence blocks)
    later = pass2_jackknife(second, labels, train, folds, work, params, scored) if passes == 3 else {}
    result: dict = {}
    for k in scored:
        rest = [i for i in train if fold_of(i, folds) != k]
        model = work / f"fold{k}" / "ner.crfsuite"
        began = time.perf_counter()
        memory_k, summary = NameMemory.build([stems[i] for i in rest], [gold[i] for i in rest]), None
        if passes == 3:
            if not (reuse and pass2_path(model).is_file()):
                fit([second[i] for i in rest], [labels[i] for i in rest], pass2_path(model), params,
                    params["pass2_algorithm"])
            third = with_doc_marks(tokens, base, later[k], rest)
            fit([third[i] for i in rest], [labels[i] for i in rest], model, params, params["pass2_algorithm"])
        else:
            items, pseudo = [], []
            if self_train:
                teacher = fold_teacher(work / f"teacher{k}" / "ner.crfsuite", fold_model_path(out, k), out,
                                       [second[i] for i in rest], [labels[i] for i in rest], memory_k, params, reuse)
                items, pseudo, summary = self_training_set(
                    teacher, self_train["files"], self_train["min_conf"], clusters, memory_k,
                    fold_model_path(out, k), params["labels"])
            fit([second[i] for i in rest] + items, [labels[i] for i in rest] + pseudo, model, params,
                params["pass2_algorithm"])
        shutil.copyfile(fold_model_path(out, k), pass1_path(model))
        shutil.copyfile(clusters_path(out), clusters_path(model))
        memory_k.write(memory_path(model))
        result[k] = evaluate_file(model, [sentences[i] for i in train if fold_of(i, folds) == k])
        if summary:
            result[k]["self_training"] = summary
        result[k]["fit_seconds"] = round(time.perf_counter() - began, 1)
    result["mean_micro_f1"] = round(sum(result[k]["micro"]["f1"] for k in scored) / len(scored), 4)
    return result


def fold_teacher(model: Path, pass1: Path, out: Path, items, labels, memory: NameMemory, params: dict,
                 reuse: bool) -> Path:
    """The self-training teacher of a fold at `model`: pass 2 trained on `items` (the other folds),
    with the fold's pass-1 model `pass1`, the clusters beside `out` and the other folds' `memory`
    (the baseline fold model of inner_folds); with `reuse`, taken when there (a baseline run's foldK/)."""
    if not (reuse and model.is_file()):
        fit(items, labels, model, params, params["pass2_algorithm"])
        shutil.copyfile(pass1, pass1_path(model))
        shutil.copyfile(clusters_path(out), clusters_path(model))
        memory.write(memory_path(model))
    return model


def bias_folds(data: Path, work: Path, label: str, values, scored=(0, 1, 2), folds: int = PARAMS["folds"]) -> dict:
    """Score a label bias (NerModel.set_label_bias: `values` added to the last pass's `label` scores)
    with the fold models an inner_folds run left in `work` (no training; the dev split never read):
    {value: {K: conll.score of fold K}} plus, per K, the value chosen on the other scored folds
    (choose_bias) and its fold-K scores, so the choice is scored on a fold it was not chosen on."""
    sentences = read_conll(data)
    train = [i for i in range(len(sentences)) if not dev_mask(len(sentences))[i]]
    table: dict = {v: {} for v in values}
    for k in scored:
        model = NerModel(work / f"fold{k}" / "ner.crfsuite", label_bias={})
        held = [sentences[i] for i in train if fold_of(i, folds) == k]
        rules = [sentence_rule_marks([t for t, _ in s]) for s in held]      # once for every value
        for v in values:
            model.set_label_bias({label: v})
            table[v][k] = evaluate_model(model, held, rules)
    chosen = {k: choose_bias(table, [j for j in scored if j != k]) for k in scored}
    return dict(label=label, table=table, chosen=chosen, best=choose_bias(table, list(scored)),
                held_out={k: table[chosen[k]][k] for k in scored})


def choose_bias(table: dict, folds: list[int]) -> float:
    """The value of `table` (bias_folds) with the best mean micro F1 over `folds`; ties to the smaller |value|."""
    return max(sorted(table, key=abs), key=lambda v: round(sum(table[v][k]["micro"]["f1"] for k in folds), 10))


def pass2_pair_path(work: Path, a: int, b: int) -> Path:
    """The pass 2 trained on the folds other than a and b (the pass-2 jackknife of inner_folds, passes 3)."""
    lo, hi = sorted((a, b))
    return work / "pass2" / f"without{lo}{hi}.crfsuite"


def pass2_pairs(scored, folds: int) -> list[tuple[int, int]]:
    """The fold pairs {j, K} (K scored, j another fold) whose pass-2 jackknife models inner_folds needs."""
    return sorted({tuple(sorted((j, k))) for k in scored for j in range(folds) if j != k})


def pass2_jackknife(second, labels, train, folds: int, work: Path, params: dict, scored,
                    pairs=None) -> dict[int, dict[int, list[str]]]:
    """Per scored fold K, the pass-2 labels of the sentences of every other fold j, each fold tagged by
    a pass 2 trained on the folds other than j and K (`second`: pass-2 features from the jackknifed
    pass-1 labels). One model per pair {j, K} (it serves K = j's partner either way), kept under
    work/pass2/ and taken as it is when there (same pass-1 and pass-2 params: work/pass2/params.json).
    `pairs`: fit only these pairs and tag nothing (to fit them in two processes)."""
    stamp = work / "pass2" / "params.json"
    if stamp.is_file() and json.loads(stamp.read_text(encoding="utf-8")) != params:
        raise ValueError(f"{work}: its pass-2 jackknife models were trained with other params ({stamp})")
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps(params, sort_keys=True) + "\n", encoding="utf-8")
    out: dict[int, dict[int, list[str]]] = {k: {} for k in scored}
    for a, b in pairs or pass2_pairs(scored, folds):
        path = pass2_pair_path(work, a, b)
        if not path.is_file():
            rest = [i for i in train if fold_of(i, folds) not in (a, b)]
            fit([second[i] for i in rest], [labels[i] for i in rest], path, params, params["pass2_algorithm"])
        if pairs:
            continue
        tagger = pycrfsuite.Tagger()
        tagger.open(str(path))
        for k, j in ((a, b), (b, a)):
            if k in out:
                out[k].update({i: tagger.tag(second[i]) for i in train if fold_of(i, folds) == j})
        tagger.close()
    return out


def dev_mask(n: int) -> list[bool]:
    """Which of n sentences (in file order) are the dev split (conll.split's blocks)."""
    return [(i // DEV_BLOCK) % DEV_EVERY == DEV_EVERY - 1 for i in range(n)]


def evaluate_model(model: NerModel, sentences: list[Sentence], rules: list | None = None) -> dict:
    """Scores of the model on sentences tagged as the product tags: documents of DOC_SENTENCES
    consecutive sentences, pass 1 then pass 2. `rules`: the sentences' sentence_rule_marks, when
    already computed (None: computed here, as the model does)."""
    pred: list[list[str]] = []
    for a in range(0, len(sentences), DOC_SENTENCES):
        doc = sentences[a:a + DOC_SENTENCES]
        pred += model.tag_document([[t for t, _ in s] for s in doc], rules[a:a + DOC_SENTENCES] if rules else None)[0]
    return score([[lab for _, lab in s] for s in sentences], pred)


def evaluate_file(model_path: Path, sentences: list[Sentence], label_bias: dict | None = None) -> dict:
    """evaluate_model of the model file; `label_bias` None: the bias of the card beside it (if any)."""
    return evaluate_model(NerModel(model_path, label_bias=label_bias), sentences)


def train_ner(data: Path, out: Path, params: dict | None = None, limit: int | None = None,
              unlabeled: tuple[Path, ...] = (), self_train: dict | None = None,
              jackknife_from: Path | None = None) -> dict:
    """Train on `data` minus its dev split, write `out` (.crfsuite, with its pass-1 model, word
    clusters and name memory beside it) and its card (`out` with .json); return the card.
    `limit`: the first N sentences only (tests). `unlabeled`: text files for the word clusters.
    `self_train`: {"files": [...], "min_conf": c}, pass 2 self-trained on them (two_pass).
    `jackknife_from`: an inner_folds work folder whose pass-1 fold models are taken (two_pass)."""
    params = {**PARAMS, **(params or {})}
    sentences = read_conll(data)[:limit] if limit else read_conll(data)
    is_dev = dev_mask(len(sentences))
    began = time.perf_counter()
    self_training = two_pass(sentences, is_dev, out, params, unlabeled, self_train, jackknife_from)
    seconds = round(time.perf_counter() - began, 1)
    dev = [s for s, d in zip(sentences, is_dev) if d]
    train = [s for s, d in zip(sentences, is_dev) if not d]
    card = dict(
        model="CRF (python-crfsuite, L-BFGS) BIO tagger for PERS/LOC/ORG/MISC, two passes "
              "(pass 2 adds document evidence and the neighbouring labels from pass 1); tagged in numpy (scorer.py)",
        files=[out.name, pass1_path(out).name, clusters_path(out).name, memory_path(out).name],
        training_data=dict(file=data.name, sha256=file_sha256(data), sentences=len(sentences),
                           limit=limit, train_sentences=len(train), dev_sentences=len(dev),
                           train_tokens=sum(map(len, train)), dev_tokens=sum(map(len, dev))),
        dev_split=f"blocks of {DEV_BLOCK} consecutive sentences in file order; block k is dev when "
                  f"k % {DEV_EVERY} == {DEV_EVERY - 1} ({100 / DEV_EVERY:.1f}%)",
        documents=f"{DOC_SENTENCES} consecutive sentences (ANERcorp marks no documents)",
        feature_set=FEATURE_VERSION, params=params, train_seconds=seconds,
        clusters=dict(text=["the training sentences"] + [f"{Path(p).name} (sha256 {file_sha256(p)[:16]})"
                                                          for p in unlabeled],
                      stems=len(read_clusters(clusters_path(out)))),
        model_bytes=out.stat().st_size + pass1_path(out).stat().st_size,
        **({"self_training": self_training} if self_training else {}),
        dev=evaluate_file(out, dev, params.get("label_bias", {})) if dev else {},
        licence="Derived from ANERcorp (Benajiba, Rosso and Benedi Ruiz 2007; CAMeL Lab splits, Obeid et al. "
                "2020), CC BY-SA 4.0: this model is a derived work under CC BY-SA 4.0.")
    out.with_suffix(".json").write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return card
