"""Triggers and negation found missing on real news (issue 15): condemnation, أوقف (arrest),
تعقب, ترحيل, the noun استشهاد, bodies found; negation scoped to what it negates.
Sentences written for these tests, outside every data set."""

import pytest

from tests.tasks.events.evhelp import events


def _types(text):
    return {(e["event_type"], e["trigger"]) for e in events(text)}


@pytest.mark.parametrize("text,etype,trigger", [
    ("دان الرئيس الهجوم الذي استهدف المسجد.", "ACCUSE", "دان"),
    ("واستنكرت الحكومة اقتحام المستشفى.", "ACCUSE", "استنكرت"),
    ("وشجب البيان قصف المدارس.", "ACCUSE", "شجب"),
    ("أوقفت الشرطة ثلاثة أشخاص في المدينة.", "COERCE", "أوقفت"),
    ("وتمكنت القوات من تعقب المسلحين الفارين.", "COERCE", "تعقب"),
    ("وطالبت المنظمات بوقف ترحيل السوريين.", "COERCE", "ترحيل"),
    ("أعلنت الوزارة استشهاد ثلاثة شبان.", "CASUALTIES", "استشهاد"),
    ("عثرت الشرطة على جثث ثلاثة رجال في النهر.", "CASUALTIES", "جثث"),
])
def test_new_triggers(text, etype, trigger):
    assert (etype, trigger) in _types(text), _types(text)


@pytest.mark.parametrize("text", ["أوقفت الحكومة المساعدات للمنطقة.", "أوقف الطرفان إطلاق النار مساء أمس."])
def test_halt_is_no_arrest(text):
    assert not any(t == "COERCE" for t, _ in _types(text))


@pytest.mark.parametrize("text,trigger,modality", [
    ("ولم يستبعد المسؤول أن تكون الطائرات قصفت المستشفى.", "قصفت", "hypothetical"),
    ("لم يجد السكان غير الفرار من القرية.", "الفرار", "asserted"),
    ("غير أن القوات هاجمت القرية.", "هاجمت", "asserted"),
    ("ولم تقصف الطائرات المدينة.", "تقصف", "denied"),
    ("نفى الجيش أن تكون طائراته قصفت المستشفى.", "قصفت", "denied"),
])
def test_negation_scope(text, trigger, modality):
    e = next(e for e in events(text) if e["trigger"] == trigger)
    assert e["modality"] == modality


@pytest.mark.parametrize("text,speaker", [
    ("قتل خمسة مدنيين في قصف على ريف حلب، كما قال المرصد السوري لحقوق الإنسان.", "المرصد السوري لحقوق الإنسان"),
    ("دمرت الغارات ثلاثة منازل في القرية، على ما ذكرت وكالة الأنباء الرسمية.", "وكالة الأنباء الرسمية"),
])
def test_speaker_after_the_event(text, speaker):
    for e in events(text):
        assert e["source_text"] == speaker and e["modality"] == "claimed"


def test_quoted_speaker_stops_before_his_saying():
    e = next(e for e in events("ونقلت الوكالة عن القائد قوله إن الطائرات دمرت المخازن.") if e["trigger"] == "دمرت")
    assert e["source_text"] == "القائد" and e["via_text"] == "الوكالة" and e["modality"] == "claimed"
