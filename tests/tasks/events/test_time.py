"""tasks.events.time: expressions, resolution against the publication date, statement dates."""

import datetime as dt

import pytest

from tasks.events.time import find_times, resolve
from tasks.events import analyse
from tests.tasks.events.evhelp import one


PUB = dt.date(2017, 4, 19)   # a Wednesday


@pytest.mark.parametrize("phrase,date,precision", [
    ("أمس", dt.date(2017, 4, 18), "day"),
    ("أول من أمس", dt.date(2017, 4, 17), "day"),
    ("يوم الأربعاء", dt.date(2017, 4, 19), "day"),
    ("الخميس", dt.date(2017, 4, 13), "day"),
    ("مساء السبت الماضي", dt.date(2017, 4, 15), "day"),
    ("19 فبراير", dt.date(2017, 2, 19), "day"),
    ("17 تشرين الأول/ اكتوبر", dt.date(2016, 10, 17), "day"),
    ("منذ أوت 2014", dt.date(2014, 8, 1), "month"),
    ("عام 2014", dt.date(2014, 1, 1), "year"),
    ("22 اذار/مارس المقبل", dt.date(2018, 3, 22), "day"),
    ("7 أكتوبر (تشرين الأول) 2023", dt.date(2023, 10, 7), "day"),
])
def test_time_expressions(phrase, date, precision):
    text = f"وقعت المعارك {phrase} في المدينة."
    sent = analyse(text, 0, len(text), [])
    times = find_times(sent.words)
    assert len(times) == 1
    assert resolve(times[0], PUB) == (date, precision)


def test_relative_date_needs_publication_date():
    e = one("قتل ثلاثة جنود أمس في هجوم.", "CASUALTIES")
    assert (e["event_date"], e["date_precision"], e["date_text"]) == (None, "unknown", "أمس")
    e = one("قتل ثلاثة جنود أمس في هجوم.", "CASUALTIES", published=PUB)
    assert (e["event_date"], e["date_precision"]) == (dt.date(2017, 4, 18), "day")


def test_statement_date_is_not_the_event_date():
    e = one("قال مسؤول يوم الخميس إن البغدادي غادر الموصل.", "ESCAPE", published=PUB)
    assert e["date_text"] is None
