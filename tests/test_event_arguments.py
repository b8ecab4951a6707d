"""Argument rules of the events stage (second pass), each on sentences written for the test."""

from hypothesis import given, settings
from hypothesis import strategies as st

from akhbar.arabic import normalize
from akhbar.eval_events import same_phrase
from tasks.events import words_of
from tasks.segment import TOKEN
from tests.test_events import events, one


def has(value, expected):
    return value is not None and any(same_phrase(expected, v) for v in value.split("؛ "))


def test_vso_subject_and_common_noun_object():
    e = one("قصفت المدفعية التركية مخازن ذخيرة في ريف الحسكة.", "ASSAULT")
    assert has(e["actor_text"], "المدفعية التركية")
    assert has(e["target_text"], "مخازن ذخيرة")
    assert has(e["location_text"], "ريف الحسكة")


def test_svo_subject_before_and_indefinite_object_after():
    e = one("وأكدت الشرطة أن قوات الأمن اعتقلت أربعة مشتبهين في المدينة.", "COERCE")
    assert has(e["actor_text"], "قوات الأمن")
    assert has(e["target_text"], "أربعة مشتبهين")


def test_agent_markers():
    e = one("تعرض موكب الوزير لهجوم من قبل مسلحين مجهولين.", "ASSAULT")
    assert has(e["actor_text"], "مسلحين مجهولين")
    e = one("قتل الصحافي على يد قناص في المدينة القديمة.", "CASUALTIES")
    assert has(e["actor_text"], "قناص")
    assert has(e["target_text"], "الصحافي")


def test_genitive_of_verbal_noun_is_the_target():
    e = one("أعلنت الحكومة مقتل قيادي بارز في الجماعة.", "CASUALTIES")
    assert has(e["target_text"], "قيادي بارز")
    e = one("ندد الرئيس باستهداف الصحافيين الأجانب.", "ASSAULT")
    assert has(e["target_text"], "الصحافيين الأجانب")


def test_attack_on_and_against():
    e = one("شن المتمردون هجوما على قافلة إغاثة شمال البلاد.", "ASSAULT")
    assert has(e["target_text"], "قافلة إغاثة")
    e = one("أطلق الجيش عملية عسكرية ضد عصابات التهريب.", "ASSAULT")
    assert has(e["target_text"], "عصابات التهريب")


def test_attached_pronoun_blocks_a_second_object():
    e = one("وكان التنظيم قد أعلن استهدافهم الأسبوع الماضي.", "ASSAULT")
    assert e["target_text"] is None


def test_control_change_territory_is_location_and_loser_is_target():
    e = one("حررت القوات الحكومية بلدة الحمدانية من المتمردين.", "CONTROL_CHANGE")
    assert has(e["target_text"], "المتمردين")
    assert e["target_text"] is None or "الحمدانية" not in e["target_text"]


def test_location_is_the_site_not_any_place_in_the_clause():
    e = one("قصفت الطائرات مواقع المسلحين في محيط مدينة الرمادي.", "ASSAULT")
    assert has(e["location_text"], "مدينة الرمادي")
    # a type without a site (cooperation) takes no location
    evs = [x for x in events("أكد الوزير التنسيق مع تركيا في مكافحة الإرهاب.") if x["event_type"] == "COOPERATE"]
    assert all(x["location_text"] is None for x in evs)


def test_time_only_from_the_trigger_clause():
    text = "انسحبت القوات من البلدة، فيما وصلت تعزيزات إلى المطار يوم الأحد."
    ev = {x["event_type"]: x for x in events(text)}
    assert ev["RETREAT"]["date_text"] is None
    assert ev["MOBILIZE"]["date_text"] is not None and "الأحد" in ev["MOBILIZE"]["date_text"]
    # a time expression set off by commas still dates its event
    e = one("واقتحمت القوات، أمس، حي الزهراء.", "ASSAULT")
    assert e["date_text"] == "أمس"


def test_gentilic_norp_takes_its_noun():
    e = one("قصفت الطائرات الروسية مواقع في إدلب.", "ASSAULT")
    assert has(e["actor_text"], "الطائرات الروسية")


def test_pronoun_subject_resolves_to_last_actor_when_the_verb_agrees():
    text = "وصل وزير الخارجية البريطاني إلى بغداد. وسيلتقي خلال زيارته رئيس الوزراء."
    consult = [x for x in events(text) if x["event_type"] == "CONSULT"]
    assert len(consult) >= 2
    assert all(has(x["actor_text"], "وزير الخارجية البريطاني") for x in consult)
    # a feminine verb does not take a masculine antecedent
    text = "وصل وزير الخارجية البريطاني إلى بغداد. واستهدفت غارة مخزنا للأسلحة."
    assault = one(text, "ASSAULT")
    assert not has(assault["actor_text"], "وزير الخارجية البريطاني")


def test_spans_are_exact():
    text = "قصفت المدفعية التركية مخازن ذخيرة في ريف الحسكة، وقتل جندي على يد قناص."
    for e in events(text):
        for role in ("location", "origin", "destination"):
            assert e[f"{role}_text"] is None or e[f"{role}_text"] in text
        for role in ("actor", "target"):
            for part in (e[f"{role}_text"] or "").split("؛ "):
                assert part in text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("قتل الجيش،.«»\u064e\u0640\u200f 12\n\tأب:؛")), max_size=80))
def test_words_of_locates_every_token(text):
    """str.find-based token location agrees with the token regex's own spans, gaps included."""
    words, trailing = words_of(text, 0, len(text))
    spans = [(m.start(), m.end()) for m in TOKEN.finditer(text)
             if any(c.isalnum() for c in m.group()) and normalize(m.group())]
    assert [(w.start, w.end) for w in words] == spans
    for w in words:
        assert normalize(text[w.start:w.end]) == w.norm
