"""Synthetic corpus generator built from the seeds.

Each generated document is a seed article with controlled noise:
  - exact duplicates (same text under another name)           share `dup`
  - near-duplicates (a few words changed, a different footer)   share `near`
  - a shared appended segment (the Blinken story of seed 004)    share `shared`
  - site boilerplate lines ('زر الذهاب إلى الأعلى', 'مشاركة :')  always
Paragraphs are shuffled and words substituted from a pool so documents differ.
Deterministic for a given seed.
"""

from __future__ import annotations

import random
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
BOILERPLATE = ["زر الذهاب إلى الأعلى", "مشاركة :", "news-picture", "اقرأ أيضاً"]
FOOTERS = ["صحيفة الوطن", "جميع الحقوق محفوظة", "تابعونا على تويتر"]


def seed_parts() -> tuple[list[str], str]:
    """Paragraph pool from the seeds, and the Blinken segment (the tail of seed 004)."""
    pars: list[str] = []
    blinken = ""
    for p in sorted(SEEDS.glob("*.txt")):
        text = p.read_text(encoding="utf-8")
        if p.name.startswith("004"):
            head, _, tail = text.partition("\n\n\n\n")
            blinken = tail.strip()
            text = head
        pars += [x.strip() for x in text.split("\n") if len(x.strip()) > 40]
    return pars, blinken


def corpus(n: int, seed: int = 7, dup: float = 0.05, near: float = 0.05,
           shared: float = 0.1) -> list[tuple[str, str, dict]]:
    """(file name, text, ground truth) for n documents; `generate` writes exactly these.

    Ground truth: `kind` (original | duplicate | near_duplicate), `root` (index of the original
    the document derives from, through any chain of copies) and `blinken` (carries the shared
    segment).
    """
    rng = random.Random(seed)
    pars, blinken = seed_parts()
    words = sorted({w for p in pars for w in p.split() if len(w) > 3})
    made: list[str] = []
    truth: list[dict] = []
    out = []
    for i in range(n):
        r = rng.random()
        if made and r < dup:
            j = rng.randrange(len(made))
            text = made[j]
            t = dict(kind="duplicate", root=truth[j]["root"], blinken=truth[j]["blinken"])
        elif made and r < dup + near:
            j = rng.randrange(len(made))
            base = made[j].split(" ")
            for _ in range(3):
                base[rng.randrange(len(base))] = rng.choice(words)
            text = " ".join(base) + "\n" + rng.choice(FOOTERS)
            t = dict(kind="near_duplicate", root=truth[j]["root"], blinken=truth[j]["blinken"])
        else:
            body = rng.sample(pars, k=min(len(pars), rng.randint(3, 8)))
            body = [" ".join(rng.choice(words) if rng.random() < 0.08 else w for w in p.split()) for p in body]
            title = " ".join(rng.sample(words, k=8))
            text = "\n\n".join([title, *body, rng.choice(BOILERPLATE)])
            t = dict(kind="original", root=i, blinken=False)
            if rng.random() < shared:
                text += "\n\n\n\n" + blinken
                t["blinken"] = True
        made.append(text)
        truth.append(t)
        out.append((f"gen_{i:06d}.txt", text, t))
    return out


def generate(n: int, out_dir: Path, seed: int = 7, dup: float = 0.05, near: float = 0.05,
             shared: float = 0.1) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text, _ in corpus(n, seed, dup, near, shared):
        (out_dir / name).write_text(text, encoding="utf-8")
    return out_dir


def segmented_corpus(n: int, corpus: str = "generated", cache: Path | None = None):
    """(articles, sentences) of n documents after ingest, dedupe, the vocabulary and segment: the
    input the extraction benchmarks time their stage on.

    corpus: "generated" (this module's seed shuffle) or "realistic" (bench/realistic.py: real
    newswire sentences, real-news lengths, URLs, tables, long tokens). The realistic corpus is
    segmented with the run's corpus vocabulary (glued-word repair), one partition, as the flow
    does. cache: a folder where the two frames are kept as parquet per (corpus, n) and read back
    on the next call (segmenting 2,000 realistic documents takes a while)."""
    import tempfile

    import polars as pl

    from tasks.dedupe import dedupe
    from tasks.ingest import ingest_folder
    from tasks.segment import corpus_vocabulary, segment

    if corpus not in ("generated", "realistic"):
        raise ValueError(f"corpus must be 'generated' or 'realistic', not {corpus!r}")
    files = [cache / f"{corpus}_{n}_{name}.parquet" for name in ("articles", "sentences")] if cache else []
    if files and all(f.is_file() for f in files):
        return tuple(pl.read_parquet(f) for f in files)
    with tempfile.TemporaryDirectory() as tmp:
        if corpus == "realistic":
            from bench.realistic import generate_realistic
            folder = generate_realistic(n, Path(tmp) / "corpus")
        else:
            folder = generate(n, Path(tmp) / "corpus")
        docs = ingest_folder(folder, "bench")
    _, _, blocks = dedupe(docs, "bench")
    vocab = corpus_vocabulary(blocks, {0: blocks})[0] if corpus == "realistic" else None
    articles, sentences = segment(blocks, "bench", vocab)
    if files:
        cache.mkdir(parents=True, exist_ok=True)
        articles.write_parquet(files[0])
        sentences.write_parquet(files[1])
    return articles, sentences


if __name__ == "__main__":  # pragma: no cover
    import sys
    generate(int(sys.argv[1]), Path(sys.argv[2]))
