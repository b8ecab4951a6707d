"""Actor and target of PROTEST mentions (tasks/events/protest_args.py), on sentences written for the
test, outside every data set."""

import pytest

from tasks.events.decision import named_actor, named_target
from tests.tasks.events.evhelp import RULES_ONLY, has, of_type, one


def _protests(text):
    return of_type(text, "PROTEST", cfg=RULES_ONLY)


@pytest.mark.parametrize("text, actor", [
    ("وأضرم المتظاهرون النار في إطارات السيارات وسط المدينة.", "المتظاهرون"),
    ("قطع محتجون غاضبون الطريق الرئيسي المؤدي إلى الميناء.", "محتجون غاضبون"),
    ("فرقت الشرطة المتظاهرين بالغاز المسيل للدموع.", "المتظاهرين"),
])
def test_protesters_that_are_the_trigger_are_its_actor(text, actor):
    e = next(e for e in _protests(text) if e["trigger"].endswith(("المتظاهرون", "محتجون", "المتظاهرين")))
    assert has(e["actor_text"], actor), e["actor_text"]
    assert not e["actor_text"].startswith(("و", "ل", "ب")) or e["actor_text"].startswith("محتج")
    assert not named_actor(e)                # the decision does not read them as a named actor


@pytest.mark.parametrize("text, target", [
    ("خرج آلاف المحتجين في شوارع العاصمة ضد الحكومة.", "الحكومة"),
    ("تظاهر العشرات أمام السفارة تنديدا بإسرائيل.", "إسرائيل"),
    ("اعتصم مئات العمال أمام المصنع احتجاجا على قرار وزارة الصناعة إغلاقه.", "وزارة الصناعة"),
    ("خرج مئات من المتظاهرين احتجاجا على تعامل الحكومة مع الحرائق.", "الحكومة"),
])
def test_who_is_protested_against_is_the_target(text, target):
    assert any(has(e["target_text"], target) for e in _protests(text)), [e["target_text"] for e in _protests(text)]


@pytest.mark.parametrize("text", [
    "تظاهر مئات الطلاب أمام مقر الجامعة احتجاجا على تأخر صرف المنح.",     # a grievance names nobody
    "أضرب سائقو الحافلات عن العمل، وطالبت النقابة الحكومة بزيادة الأجور.",  # another clause
])
def test_no_target_without_someone_protested_against(text):
    assert all(e["target_text"] is None for e in _protests(text)), [e["target_text"] for e in _protests(text)]


def test_a_named_actor_is_kept():
    e = next(e for e in _protests("تظاهر مئات الطلاب أمام مقر البرلمان.") if e["trigger"] == "تظاهر")
    assert has(e["actor_text"], "مئات الطلاب") and named_actor(e)


def test_what_a_protest_is_against_is_no_evidence_for_the_decision():
    e = next(e for e in _protests("خرج آلاف المحتجين في شوارع العاصمة ضد الحكومة.") if e["target_text"])
    assert not named_target(e)


@pytest.mark.parametrize("text,trigger,actor", [
    ("وأدانت الحكومة قيام مئات المتظاهرين أمس بالتجمع أمام السفارة.", "التجمع", "المتظاهرين"),
    ("مليون متظاهر خرجوا إلى شوارع المدينة.", "خرجوا", "متظاهر"),
])
def test_protesters_before_the_verb_that_took_their_place_are_its_actor(text, trigger, actor):
    """events9: written sentences; the participant noun gives way to the protest verb after it."""
    e = one(text, "PROTEST")
    assert (e["trigger"], e["actor_text"]) == (trigger, actor)
