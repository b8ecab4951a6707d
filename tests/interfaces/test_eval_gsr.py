"""`akhbar eval events --gsr`: scoring on a small folder in the arabic_event_gsr layout, with
sentences written for this test (outside every data set)."""

import json
from pathlib import Path

from interfaces.eval_gsr import evaluate_gsr, render_gsr, split_of

HEADER = "id,event_type,label,accept,reject,total,text\n"
ROWS = [
    ("T1", "ASSAULT", "yes", "قصفت الطائرات مواقع المسلحين شمال المدينة صباح أمس."),
    ("T2", "ASSAULT", "easy no", "اعتقلت الشرطة خمسة أشخاص متهمين بالتورط في تفجير السوق."),
    ("T3", "ASSAULT", "easy no", "بحث وزير الخارجية مع نظيره العلاقات الثنائية."),
    ("T4", "ASSAULT", "ambiguous", "هاجم مسلحون القرية."),
    ("P1", "PROTEST", "yes", "احتشد آلاف المتظاهرين في الساحة الرئيسية للمدينة أمس."),
    ("P2", "PROTEST", "easy no", "أطلقت الشرطة الغاز المسيل للدموع لتفريق المتظاهرين أمام البرلمان."),
]


def _folder(tmp_path: Path) -> Path:
    for kind in ("assault", "protest"):
        lines = [f'{i},{t},{label},1,1,2,"{text}"' for i, t, label, text in ROWS if t.lower() == kind]
        (tmp_path / f"{kind}_gsr.csv").write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    spans = [{"source": "T1", "event_type": "ASSAULT", "text": ROWS[0][3],
              "spans": [{"source_actor": ["الطائرات"], "verb": ["قصفت"], "target_actor": ["مواقع", "المسلحين"]}]}]
    (tmp_path / "assault_spans.json").write_text(json.dumps(spans, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def test_detection_and_arguments(tmp_path):
    r = evaluate_gsr(_folder(tmp_path))
    assert r["sentences"] == 5                                      # the ambiguous row is left out
    a, p = r["detection"]["all/ASSAULT"], r["detection"]["all/PROTEST"]
    assert (a["tp"], a["fp"], a["fn"]) == (1, 0, 0)                 # the reference to a bombing is background
    assert (p["tp"], p["fp"], p["fn"]) == (1, 0, 0)                 # 'لتفريق المتظاهرين' is a participant noun
    assert r["arguments"]["all/ASSAULT/actor"]["tp"] == 1
    assert r["arguments"]["all/ASSAULT/target"]["tp"] == 1
    for s in ("tune", "check"):
        assert f"{s}/ASSAULT" in r["detection"]
    assert "F1" in render_gsr(r)


def test_nothing_predicted_scores_zero(tmp_path):
    r = evaluate_gsr(_folder(tmp_path), predictions={})
    assert r["detection"]["all/ASSAULT"]["f1"] == 0.0 and r["detection"]["all/ASSAULT"]["fn"] == 1


def test_split_is_stable_and_about_a_third():
    ids = [f"AAW_ARB_2007{k:04d}.0001-{k % 7}" for k in range(3000)]
    share = sum(split_of(i) == "check" for i in ids) / len(ids)
    assert 0.28 < share < 0.39 and split_of(ids[0]) == split_of(ids[0])
