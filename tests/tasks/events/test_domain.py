"""Sense and domain (tasks/events/domain.py): sport, markets, figurative senses and verbal
attacks never make conflict events. Sentences written for these tests, outside every data set."""

from tasks.events import extract_events
from tasks.events.domain import article_topic
from tests.tasks.events.evhelp import events, frames

CONFLICT = {"ASSAULT", "COERCE", "CONTROL_CHANGE", "ESCAPE", "RETREAT", "MOBILIZE", "CASUALTIES", "PROTEST"}


def _types(texts):
    return list(extract_events(*frames(texts), "r")["event_type"])


def test_sport_article_has_no_conflict_events():
    sport = ("فاز الفريق على منافسه في مباراة الدوري أمس، وانتقل الهداف إلى النادي الجديد بعد نهاية "
             "البطولة، وقال المدرب إن اللاعبين هاجموا بقوة في الشوط الثاني.")
    assert article_topic(sport) == "sport"
    assert not CONFLICT & set(_types([sport]))


def test_conflict_article_keeps_its_events():
    text = "قصفت الطائرات مواقع المسلحين شمال المدينة، وقتل خمسة منهم في الغارات."
    assert article_topic(text) is None
    assert "ASSAULT" in _types([text])


def test_figurative_sense():
    assert "RETREAT" not in {e["event_type"] for e in events("تراجعت السوق بشكل حاد أمس بعد إعلان النتائج.")}
    assert "ASSAULT" not in {e["event_type"] for e in events("وتفجر الخلاف بين الحزبين حول الميزانية.")}


def test_verbal_attack_is_accuse():
    evs = events("هاجم الوزير المعارضة قائلا إنها تعرقل الإصلاح.")
    types = {e["event_type"] for e in evs}
    assert "ASSAULT" not in types and "ACCUSE" in types
