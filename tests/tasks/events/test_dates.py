"""Event dates: Hijri dates converted (hijridate), and events with no time expression dated by
their article's publication date with precision 'publication'. Sentences written for these tests."""

import datetime as dt

from tests.tasks.events.evhelp import events, one

PUB = dt.date(2015, 9, 1)


def test_hijri_day_month_year():
    e = one("استهدف هجوم انتحاري حاجزا للشرطة يوم 25 شوال 1436 هـ في المدينة.", "ASSAULT", published=PUB)
    assert e["event_date"] == dt.date(2015, 8, 10) and e["date_precision"] == "day"
    assert "1436" in e["date_text"]
    assert not any(q["value"] == 1436 for q in e["quantities"])          # the year is no quantity


def test_hijri_month_year_and_bare_month():
    e = one("قصفت الطائرات مواقع المسلحين في شعبان 1440 هـ.", "ASSAULT", published=PUB)
    assert e["date_precision"] == "month" and e["event_date"].year == 2019
    e = one("قصفت الطائرات مواقع المسلحين في رمضان.", "ASSAULT", published=PUB)
    assert e["date_precision"] == "publication"                         # a month name alone is no date


def test_publication_date_when_no_time_expression():
    e = one("قصفت الطائرات مواقع المسلحين شمال المدينة.", "ASSAULT", published=PUB)
    assert e["event_date"] == PUB and e["date_precision"] == "publication" and e["date_text"] is None
    e = one("قصفت الطائرات مواقع المسلحين أمس.", "ASSAULT", published=PUB)
    assert e["event_date"] == PUB - dt.timedelta(days=1) and e["date_precision"] == "day"


def test_future_and_unknown_publication_stay_undated():
    e = one("ستقصف الطائرات مواقع المسلحين.", "ASSAULT", published=PUB)
    assert e["event_date"] is None and e["date_precision"] == "unknown"
    e = one("قصفت الطائرات مواقع المسلحين.", "ASSAULT")
    assert e["event_date"] is None and e["date_precision"] == "unknown"
