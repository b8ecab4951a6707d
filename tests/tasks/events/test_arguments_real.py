"""Arguments on real-news patterns (issue 15): a passive agent after من قبل / على يد makes the
phrase after the verb its patient; a word with the article is no construct head. Sentences
written for these tests, outside every data set."""

from tests.tasks.events.evhelp import events, has


def _one(text, trigger):
    return next(e for e in events(text) if e["trigger"] == trigger)


def test_passive_agent_makes_the_patient_the_target():
    e = _one("اختطف صحافي من قبل مجموعة مسلحة في المدينة.", "اختطف")
    assert has(e["actor_text"], "مجموعة مسلحة") and has(e["target_text"], "صحافي")


def test_companion_is_no_passive_sign():
    e = _one("اقتحمت القوات القرية بمشاركة عناصر محلية.", "اقتحمت")
    assert e["target_text"] is None or not has(e["target_text"], "القوات")


def test_definite_subject_then_object():
    e = _one("قصفت الطائرات مواقع المسلحين شمال المدينة صباح أمس.", "قصفت")
    assert e["actor_text"] == "الطائرات" and has(e["target_text"], "مواقع المسلحين")


def test_actor_is_never_a_pronoun_or_verb():
    for text in ("قتل نفسه في انفجار العبوة.", "هاجموا بسطت القرية أمس."):
        for e in events(text):
            for part in (e["actor_text"] or "").split("؛ "):
                assert part not in ("نفسه", "بسطت")


def test_suicide_bomber_is_the_actor_and_fire_is_no_target():
    e = _one("فجر انتحاري نفسه قرب حاجز للشرطة في المدينة.", "فجر")
    assert e["actor_text"] == "انتحاري" and (e["target_text"] or "") != "نفسه"
    e = _one("أطلق مسلحون النار على دورية للشرطة.", "أطلق")
    assert e["actor_text"] == "مسلحون" and has(e["target_text"], "دورية")
