"""A benchmark corpus that looks like real Arabic news (issue 16.2).

bench/generate.py reshuffles the five seed articles: every document is made of the same few
hundred paragraphs, so the glued-word repair, the lexicon caches and the regexes see a tiny
vocabulary and the figures flatter the pipeline (issue 16 measured real news 4-6x slower).
This generator builds articles from real newswire sentences instead:

  - sentences: ANERcorp train (about 4,900 newswire sentences, CC BY-SA 4.0), the dev half of
    arabic_event_gsr (3,100 Gigaword sentences, MIT) and the seed paragraphs, read from
    ../shared/data (the blind test halves are never read). ANERcorp's tokens are re-attached
    (no space before `. ، : ؟`), so the text has the punctuation of the original prose;
  - length: article length in characters is log-normal (target median 1,200, sigma 0.75, clipped to
    120..60,000), mean about 2,000: the 31k-article corpus of issue 16 averaged 2,070
    characters per article after dedupe; a few articles are very long;
  - the things real pages carry, each with its own share: a dateline (city - agency -),
    quotations in «» and "", dates in four formats (Gregorian digits, Arabic-Indic digits,
    month names, Hijri), a URL or e-mail, a table (pipe or tab rows of figures), Latin words
    and names (mixed scripts), long tokens (hashtags, glued words, long numbers, tatweel),
    site boilerplate, and exact and near duplicates;
  - format: JSON files of FILE_RECORDS records (title, date, url, source, text) like the
    scraped corpus of issue 16 (16 JSON files), plus one .txt article in 20.

Deterministic for a given (n, seed). `python -m bench.realistic N DIR` writes a corpus.
"""

from __future__ import annotations

import csv
import json
import math
import random
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FILE_RECORDS = 500
DUP, NEAR = 0.04, 0.04
CITIES = ["بغداد", "دمشق", "بيروت", "القاهرة", "صنعاء", "طرابلس", "الموصل", "حلب", "غزة", "عمان", "الرياض", "تونس"]
AGENCIES = ["رويترز", "أ ف ب", "الأناضول", "سانا", "واع", "د ب أ", "شينخوا", "بترا"]
LATIN = ["Reuters", "AFP", "U.S.", "UN", "ISIS", "Twitter", "Facebook", "Hezbollah", "NATO", "COVID-19",
         "John Kerry", "Ban Ki-moon", "BBC", "CNN", "Human Rights Watch", "iPhone", "OPEC+", "F-16"]
MONTHS = ["كانون الثاني/يناير", "شباط/فبراير", "آذار/مارس", "نيسان/أبريل", "أيار/مايو", "حزيران/يونيو",
          "تموز/يوليو", "آب/أغسطس", "أيلول/سبتمبر", "تشرين الأول/أكتوبر", "تشرين الثاني/نوفمبر",
          "كانون الأول/ديسمبر"]
HIJRI = ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان",
         "شوال", "ذو القعدة", "ذو الحجة"]
BOILERPLATE = ["زر الذهاب إلى الأعلى", "مشاركة :", "اقرأ أيضاً:", "تابعونا على تويتر", "جميع الحقوق محفوظة ©",
               "شارك هذا الخبر", "المصدر: وكالات", "للمزيد من الأخبار اضغط هنا"]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NO_SPACE_BEFORE = {".", "،", ",", ":", "؟", "?", "!", "؛", ")", "»", "%"}


def _anercorp_sentences(path: Path) -> list[str]:
    out, tokens = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        tok = line.rsplit(" ", 1)[0] if line.strip() else ""
        if not tok:
            continue
        if tokens and tok in NO_SPACE_BEFORE:
            tokens[-1] += tok
        else:
            tokens.append(tok)
        if tok == ".":
            out.append(" ".join(tokens))
            tokens = []
    return [s for s in out if len(s) > 20]


def _gsr_sentences(folder: Path) -> list[str]:
    out = []
    for name in ("assault_gsr.csv", "protest_gsr.csv"):
        with open(folder / name, encoding="utf-8", newline="") as f:
            out += [r["text"].strip() for r in csv.DictReader(f) if len(r["text"].strip()) > 20]
    return out


def _seed_sentences() -> list[str]:
    out = []
    for p in sorted((ROOT / "seeds").glob("*.txt")):
        for par in p.read_text(encoding="utf-8").split("\n"):
            out += [s.strip() + "." for s in par.split(".") if len(s.strip()) > 30]
    return out


@lru_cache(maxsize=1)
def sentence_pool() -> tuple[str, ...]:
    """Real newswire sentences (sorted, so the pool does not depend on file order)."""
    data = SHARED / "data"
    pool = _seed_sentences()
    if (data / "anercorp" / "train.txt").exists():
        pool += _anercorp_sentences(data / "anercorp" / "train.txt")
    if (data / "arabic_event_gsr_dev").exists():
        pool += _gsr_sentences(data / "arabic_event_gsr_dev")
    return tuple(sorted(set(pool)))


def article_length(rng: random.Random) -> int:
    return int(min(60_000, max(120, math.exp(rng.gauss(math.log(1200), 0.75)))))


def a_date(rng: random.Random) -> str:
    y, m, d = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
    kind = rng.randrange(4)
    if kind == 0:
        return f"{d}/{m}/{y}"
    if kind == 1:
        return f"{d} {MONTHS[m - 1]} {y}".translate(ARABIC_DIGITS)
    if kind == 2:
        return f"{d} {MONTHS[m - 1]} {y}"
    return f"{d} {HIJRI[m - 1]} {y - 579} هـ"


def long_token(rng: random.Random, words: list[str]) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return "#" + "_".join(rng.sample(words, 3))
    if kind == 1:
        return "".join(rng.sample(words, rng.randint(2, 4)))          # glued words
    if kind == 2:
        return str(rng.randint(10**9, 10**15))
    return rng.choice(words) + "ـ" * rng.randint(3, 12)               # tatweel


def extras(rng: random.Random, words: list[str], pool: tuple[str, ...]) -> list[str]:
    """The lines and sentences real pages carry besides prose, each with its own share."""
    out = []
    if rng.random() < 0.4:
        out.append(f"وقال {rng.choice(words)} إن «{rng.choice(pool).rstrip('.')}».")
    if rng.random() < 0.15:
        out.append(f'وأضاف: "{rng.choice(pool).rstrip(".")}"')
    if rng.random() < 0.5:
        out.append(f"وفي {a_date(rng)}، {rng.choice(pool)}")
    if rng.random() < 0.2:
        out.append(f"وذكرت {rng.choice(LATIN)} أن {rng.choice(pool)} ({rng.choice(LATIN)})")
    if rng.random() < 0.2:
        out.append(" ".join([rng.choice(pool).rstrip("."), long_token(rng, words)]) + ".")
    if rng.random() < 0.12:
        slug = "-".join(rng.sample(["news", "world", "middle-east", "syria", "iraq", "2017", "article"], 3))
        out.append(f"https://www.example-news.com/{slug}/{rng.randint(10000, 999999)}.html")
    if rng.random() < 0.03:
        out.append(f"للتواصل: editor{rng.randint(1, 99)}@example-news.com")
    if rng.random() < 0.05:
        sep = rng.choice([" | ", "\t"])
        rows = [sep.join(["المحافظة", "القتلى", "الجرحى"])]
        rows += [sep.join([rng.choice(CITIES), str(rng.randint(0, 90)), str(rng.randint(0, 300))])
                 for _ in range(rng.randint(2, 8))]
        out.append("\n".join(rows))
    return out


def article(rng: random.Random, pool: tuple[str, ...], words: list[str]) -> dict:
    target = article_length(rng)
    body = [f"{rng.choice(CITIES)} - ({rng.choice(AGENCIES)}) - {rng.choice(pool)}"]
    size = len(body[0])
    more = extras(rng, words, pool)
    while size < target:
        par = " ".join(rng.choice(pool) for _ in range(rng.randint(1, 4)))
        if more and rng.random() < 0.5:
            par = more.pop()
        body.append(par)
        size += len(par) + 1
    body += more
    if rng.random() < 0.3:
        body.append(rng.choice(BOILERPLATE))
    title = " ".join(rng.choice(pool).split()[:rng.randint(5, 12)]).rstrip(".،")
    return dict(title=title, date=a_date(rng), source=rng.choice(AGENCIES),
                url=f"https://news.example/{rng.randint(1, 10**8)}", text="\n".join(body))


def articles(n: int, seed: int = 16) -> list[dict]:
    rng = random.Random(seed)
    pool = sentence_pool()
    words = sorted({w for s in pool[:3000] for w in s.split() if len(w) > 3 and w.isalpha()})
    made: list[dict] = []
    for _ in range(n):
        r = rng.random()
        if made and r < DUP:
            rec = dict(rng.choice(made), url=f"https://mirror.example/{rng.randint(1, 10**8)}")
        elif made and r < DUP + NEAR:
            src = rng.choice(made)
            toks = src["text"].split(" ")
            for _ in range(3):
                toks[rng.randrange(len(toks))] = rng.choice(words)
            rec = dict(src, text=" ".join(toks) + "\n" + rng.choice(BOILERPLATE))
        else:
            rec = article(rng, pool, words)
        made.append(rec)
    return made


def generate_realistic(n: int, out_dir: Path, seed: int = 16) -> Path:
    """n articles in out_dir: JSON files of FILE_RECORDS records, every 20th article a .txt file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    batch: list[dict] = []
    for i, rec in enumerate(articles(n, seed)):
        if i % 20 == 19:
            (out_dir / f"page_{i:07d}.txt").write_text(rec["title"] + "\n\n" + rec["text"], encoding="utf-8")
            continue
        batch.append(rec)
        if len(batch) == FILE_RECORDS:
            (out_dir / f"news_{i:07d}.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
            batch = []
    if batch:
        (out_dir / f"news_{n:07d}.json").write_text(json.dumps(batch, ensure_ascii=False), encoding="utf-8")
    return out_dir


def describe(out_dir: Path) -> dict:
    """Length figures of a written corpus (to check it against real news)."""
    lengths = []
    for p in sorted(out_dir.iterdir()):
        if p.suffix == ".json":
            lengths += [len(r["text"]) for r in json.loads(p.read_text(encoding="utf-8"))]
        else:
            lengths.append(len(p.read_text(encoding="utf-8")))
    lengths.sort()
    return dict(articles=len(lengths), chars=sum(lengths), mean_chars=round(sum(lengths) / max(1, len(lengths))),
                median_chars=lengths[len(lengths) // 2] if lengths else 0,
                p99_chars=lengths[int(len(lengths) * 0.99)] if lengths else 0, max_chars=max(lengths, default=0))


if __name__ == "__main__":  # pragma: no cover
    import sys
    folder = generate_realistic(int(sys.argv[1]), Path(sys.argv[2]))
    print(json.dumps(describe(folder)))
