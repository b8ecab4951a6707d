"""Two input batches for incremental dedupe tests: batch 2 holds new articles and exact and near
copies of batch-1 articles. The articles are random sequences of everyday news words (written for
these tests, in no data set), so every pair of distinct articles is far apart."""

import json
import random

import pytest

WORDS = ("قالت مصادر محلية إن قوات الأمن اعتقلت عددا من المشتبه بهم في حي الزهراء شرقي المدينة بعد اشتباكات "
         "استمرت ساعات وأعلنت وزارة الصحة ارتفاع حصيلة الضحايا إلى عشرات بين قتيل وجريح فيما دعت الأمم "
         "المتحدة جميع الأطراف إلى وقف إطلاق النار وفتح ممرات آمنة للمدنيين العالقين قرب الحدود الشمالية "
         "وأكد المتحدث باسم الحكومة أن المفاوضات ستستأنف الأسبوع المقبل في العاصمة بمشاركة وفود إقليمية "
         "وتظاهر مئات الطلاب أمام مبنى البرلمان احتجاجا على ارتفاع الأسعار ونقص الوقود والكهرباء").split()


def article(rng: random.Random, n_paragraphs: int = 4) -> str:
    paras = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(25, 40))) + "." for _ in range(n_paragraphs)]
    return "\n\n".join(paras)


def near_copy(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for i in rng.sample(range(len(words)), 2):
        words[i] = "كلمة"
    return " ".join(words) + "\n\nالمصدر: موقع آخر للأخبار المحلية"


def write_batch(folder, name: str, texts: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    records = [{"title": f"خبر {i}", "text": t, "url": f"https://example.org/{name}/{i}"} for i, t in enumerate(texts)]
    (folder / f"{name}.json").write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def batches(tmp_path):
    """batch 1: 12 distinct articles; batch 2: 6 new ones, 2 exact and 2 near copies of batch-1 articles."""
    rng = random.Random(7)
    first = [article(rng) for _ in range(12)]
    second = [article(rng) for _ in range(6)] + [first[0], first[3], near_copy(first[5], rng), near_copy(first[8], rng)]
    one, both = tmp_path / "one", tmp_path / "both"
    write_batch(one, "a_batch1", first)
    write_batch(both, "a_batch1", first)
    write_batch(both, "b_batch2", second)
    return one, both
