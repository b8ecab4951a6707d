"""tasks/entities/rules/numbers.py: dates, times, quantities."""


def test_dates_times_quantities(mentions):
    ms = mentions("وفي 17 تشرين الأول/ اكتوبر 2016 قتل 23 مدنيا و15 الف مقاتل على بعد 80 كم، أمس الخميس الساعة 10:30 "
                  "وفي أوت 2014 وعام 2015 سيطر على 65% من الأراضي مساء السبت الماضي.")
    got = {(m["surface"], m["type"]) for m in ms}
    for expected in [("17 تشرين الأول/ اكتوبر 2016", "DATE"), ("23 مدنيا", "QUANTITY"), ("15 الف مقاتل", "QUANTITY"),
                     ("80 كم", "QUANTITY"), ("أمس الخميس", "DATE"), ("10:30", "TIME"), ("أوت 2014", "DATE"),
                     ("عام 2015", "DATE"), ("65%", "QUANTITY"), ("مساء السبت الماضي", "DATE")]:
        assert expected in got, expected
