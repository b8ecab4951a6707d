"""CrfBackend: rules as overrides, model chunks added with exact offsets and the rules' clitic
convention; sentences written for these tests."""

import polars as pl

from akhbar.config import EntitiesConfig
from tasks.entities import extract_entities, get_backend
from tasks.entities.backends import RuleBackend
from tasks.entities.ner.backend import CrfBackend, NameStart


def frames(*texts):
    arts = pl.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "text": list(texts)})
    sens = pl.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "sentence_idx": [0] * len(texts),
                         "start": [0] * len(texts), "end": [len(t) for t in texts]},
                        schema={"article_id": pl.String, "sentence_idx": pl.Int64, "start": pl.Int64, "end": pl.Int64})
    return arts, sens


def test_default_backend_is_the_tagger_and_none_is_the_rules():
    assert isinstance(get_backend(EntitiesConfig()), CrfBackend)
    assert isinstance(get_backend(EntitiesConfig(ner_tagger="none")), RuleBackend)


def test_name_start_keeps_names_whole_and_cuts_clitics():
    cut = NameStart()
    assert cut("والعراق") == 1 and cut("وبالعراق") == 2
    assert cut("للعراق") == 1                  # 'لعراق', as the rules cut it
    assert cut("لبغداد") == 1                  # بغداد is a known name, لبغداد is not
    assert cut("فلوريدا") == 0 and cut("وليد") == 0 and cut("بغداد") == 0


def test_model_adds_a_person_without_title_and_rules_keep_the_rest():
    text = "وصرح أندريا بيرلو بأن الفريق العراقي فاز في بغداد يوم 3 مارس 2024 ."
    arts, sens = frames(text)
    out = CrfBackend().extract(arts, sens)
    rows = {(r["surface"], r["type"]): r for r in out.to_dicts()}
    assert ("أندريا بيرلو", "PERSON") in rows and rows[("أندريا بيرلو", "PERSON")]["method"] == "model:crf"
    assert ("بغداد", "LOC") in rows and rows[("بغداد", "LOC")]["method"].startswith("gazetteer")
    assert ("العراقي", "NORP") in rows
    assert any(t == "DATE" for _, t in rows)
    for r in out.to_dicts():
        assert text[r["start"]:r["end"]] == r["surface"]


def test_rules_win_on_overlap():
    text = "وقال الرئيس محمد مرسي إن الوضع في القاهرة هادئ ."
    arts, sens = frames(text)
    rules = RuleBackend().extract(arts, sens)
    both = CrfBackend().extract(arts, sens)
    for r in rules.to_dicts():
        assert any(b["start"] == r["start"] and b["end"] == r["end"] and b["type"] == r["type"] for b in both.to_dicts())
    spans = sorted((r["start"], r["end"]) for r in both.to_dicts())
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))      # no overlapping mentions


def test_common_word_gate():
    backend = CrfBackend()
    assert backend.common_word("المدينة")
    assert not backend.common_word("محمد") and not backend.common_word("بغداد")
    assert not backend.common_word("أندريا بيرلو")


def test_stage_output_is_valid_for_several_articles():
    texts = ["وأكد سامر الخطيب أن قوات الأمن دخلت مدينة حمص .", "", "لا شيء هنا .",
             "وقال المتحدث باسم الأمم المتحدة ستيفان دوجاريك إن المساعدات وصلت إلى غزة ."]
    arts, sens = frames(*texts)
    out = extract_entities(arts, sens, "r1")
    texts_by = dict(zip(arts["article_id"], arts["text"]))
    for r in out.to_dicts():
        assert texts_by[r["article_id"]][r["start"]:r["end"]] == r["surface"]
    assert out["mention_id"].is_unique().all()


def people(*texts):
    arts, sens = frames(*texts)
    return [(r["surface"], r["type"], r["method"]) for r in CrfBackend().extract(arts, sens).to_dicts()]


def test_people_without_a_title_in_the_speaker_slot():
    got = people("وقال عيد عماش إن الاتفاق سيوقع الأسبوع المقبل .", "وأكد رياك مشار أن قواته لن تنسحب من المدينة .")
    assert ("عيد عماش", "PERSON", "speaker_slot") in got and ("رياك مشار", "PERSON", "speaker_slot") in got


def test_speaker_slot_leaves_common_words_and_plurals():
    got = people("وقال شهود عيان إن القصف استمر .", "وقال مسؤولون محليون إن القصف استمر .",
                 "وقال مصدر مطلع إن القصف استمر .", "وأكد سكان المدينة أن القصف استمر .")
    assert not [g for g in got if g[1] == "PERSON"]


def test_a_footballer_without_a_title():
    got = people("وسجل كريستيانو رونالدو هدفين في المباراة أمس .")
    assert ("كريستيانو رونالدو", "PERSON", "model:crf") in got


def test_name_start_is_built_once_per_process():
    assert get_backend(EntitiesConfig()).name_start is get_backend(EntitiesConfig()).name_start


def test_confidence_floor_drops_unsure_chunks_only():
    # the floor (EntitiesConfig.ner_min_confidence, 0.5: chosen on the inner fold, docs/entities.md)
    text = "وصل زيلامو كورتافي ثم غادر بيتروف نيكولاي ."
    first, second = (text.index(n) for n in ("زيلامو كورتافي", "بيتروف نيكولاي"))
    chunks = [[(first, first + len("زيلامو كورتافي"), "PERSON", 0.52),
               (second, second + len("بيتروف نيكولاي"), "PERSON", 0.48)]]
    assert EntitiesConfig().ner_min_confidence == 0.5
    kept = CrfBackend().model_rows("a0", text, [(0, 0, len(text))], None, {}, found=chunks)
    assert [r[4] for r in kept] == ["زيلامو كورتافي"]
    none = CrfBackend(EntitiesConfig(ner_min_confidence=0.0)).model_rows("a0", text, [(0, 0, len(text))], None, {},
                                                                         found=chunks)
    assert [r[4] for r in none] == ["زيلامو كورتافي", "بيتروف نيكولاي"]
