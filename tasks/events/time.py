"""Time expressions and quantities inside a sentence, for the events stage.

Self-contained (DATE/QUANTITY entity mentions may not exist): works on the sentence's
word list (tasks.events.words.Word: start, end, norm, keys) and returns token ranges, so every
surface is a slice of the article text. Month names (Gregorian, Levantine/Iraqi, Maghrebi)
come from akhbar/resources/events/months.tsv; number words and counted nouns from
akhbar/resources/events/cues.json.

Resolution against the publication date: relative expressions ('أمس', 'يوم الأربعاء',
'مساء السبت الماضي', '19 فبراير') need it and stay unknown without it; absolute ones
('منذ أوت 2014', 'عام 2014', '17 تشرين الأول 2016') do not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from akhbar.text.normalise import clitic_keys, normalize
from tasks.events.lexicon import cues, events_data, word_map, word_set

WEEKDAYS = word_map("weekdays")                  # normalised weekday -> Monday = 0
RELATIVE_DAYS = word_map("relative_days")        # 'امس' -> -1
PAST_WORDS = word_set("past_words")
NEXT_WORDS = word_set("next_words")
THIS_WORDS = word_set("this_words")
LEAD_WORDS = word_set("lead_words")              # words that may open a time expression before a weekday
VAGUE_HEADS = word_set("vague_time_heads")       # 'في الأيام القليلة الماضية': kept as text only
NOW_WORDS = word_set("now_words")
YEAR_WORDS = word_set("year_words")
MONTH_WORDS = word_set("month_words")
DEMONSTRATIVES = word_set("demonstratives")
RECENT_WORDS = word_set("recent_words")
PAST_PLURAL_WORDS = word_set("past_plural_words")
TODAY_FORMS = word_set("today_forms")
YEAR_LEADS = word_set("year_leads")
KM_UNITS = word_set("km_units")
YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})$")


@dataclass(slots=True)
class TimeExpr:
    first: int                       # word range [first, last]
    last: int
    year: int | None = None
    month: int | None = None
    day: int | None = None
    rel_days: int | None = None      # relative to the publication date
    weekday: int | None = None
    direction: int = -1              # -1 past, +1 next (weekday / month without year)
    marked: bool = False             # 'الماضي' / 'المقبل' written out
    rel_month: int | None = None
    rel_year: int | None = None


@lru_cache(maxsize=1)
def month_table() -> dict[tuple[str, ...], int]:
    out = {}
    for name, num in events_data("months.tsv"):
        out[tuple(normalize(w) for w in name.split())] = int(num)
    return out


def _key_in(word, values) -> str | None:
    for k in word.keys:                       # a loop, not next() over a generator: called per time word
        if k in values:
            return k
    return None


def _month_at(words, i) -> tuple[int, int] | None:
    """(month, number of words) when a month name starts at word i."""
    if i >= len(words):
        return None
    table = month_table()
    keys = words[i].keys
    if i + 2 <= len(words):                   # a two-word name first ('كانون الثاني'); keys built without a generator
        nxt = words[i + 1].norm
        for k in keys:
            m = table.get((k, nxt))
            if m:
                return m, 2
    for k in keys:
        m = table.get((k,))
        if m:
            return m, 1
    return None


def _int(word) -> int | None:
    return int(word.norm) if word.norm.isdecimal() else None


@lru_cache(maxsize=1)
def _starters() -> frozenset:
    """Words that can begin a time expression (first tokens of month names, weekdays, relative words)."""
    return frozenset({k[0] for k in month_table()} | {k[0] for k in hijri_table()} | set(WEEKDAYS) | set(RELATIVE_DAYS) | VAGUE_HEADS | NOW_WORDS
                     | word_set("time_starters_extra"))


@lru_cache(maxsize=100_000)
def may_start_time(norm: str) -> bool:
    return norm[:1].isdigit() or any(k in _starters() for k in clitic_keys(norm))


def find_times(words, starts: list[int] | None = None) -> list[TimeExpr]:
    """Time expressions in a sentence, left to right, non-overlapping. `starts`: the indexes of
    the words that may open one (`may_start_time`), when the caller knows them already."""
    out: list[TimeExpr] = []
    if starts is None:
        starts = [k for k, w in enumerate(words) if may_start_time(w.norm)]
    i = 0
    for k in starts:
        if k < i:
            continue                              # inside the previous expression
        i = k
        e = _match_at(words, i)
        if e is None:
            continue
        while e.first > 0 and words[e.first - 1].norm in LEAD_WORDS and (not out or out[-1].last < e.first - 1):
            e.first -= 1
        out.append(e)
        i = e.last + 1
    return out


@lru_cache(maxsize=1)
def hijri_table() -> dict[tuple[str, ...], int]:
    return {tuple(normalize(w) for w in name.split()): int(num) for name, num in events_data("hijri_months.tsv")}


HIJRI_YEAR = re.compile(r"^1[34]\d\d$")
HIJRI_MARKS = frozenset({"ه", "هـ", "هجريه", "للهجره", "هجري"})


def _hijri_month_at(words, i) -> tuple[int, int] | None:
    for n in (2, 1):
        if i + n <= len(words):
            for k in words[i].keys:
                m = hijri_table().get((k, *(w.norm for w in words[i + 1:i + n])))
                if m:
                    return m, n
    return None


@lru_cache(maxsize=1)
def _hijri_first() -> frozenset:
    return frozenset(k[0] for k in hijri_table())


def _hijri_at(words, i) -> TimeExpr | None:
    """'25 شوال 1436 هـ', 'شوال 1436 هـ': a Hijri date, converted to the Gregorian calendar
    (hijridate, Umm al-Qura). A Hijri year is required (with or without the mark هـ) so that a
    bare 'رمضان' stays a season, not a date."""
    first = _hijri_first()
    if not any(k in first for w in words[i:i + 2] for k in w.keys):
        return None                                  # no month name here: the common case, one set test
    day = _int(words[i])
    j = i + 1 if day is not None and 1 <= day <= 30 else i
    hit = _hijri_month_at(words, j) if j < len(words) else None
    if not hit:
        return None
    y = j + hit[1]
    if y >= len(words) or not HIJRI_YEAR.match(words[y].norm):
        return None
    last = y + 1 if y + 1 < len(words) and words[y + 1].norm in HIJRI_MARKS else y
    try:
        from hijridate import Hijri
        g = Hijri(int(words[y].norm), hit[0], day if j > i else 1).to_gregorian()
    except (ValueError, OverflowError):
        return None                                  # a day the month does not have, a year out of range
    e = TimeExpr(i, last, year=g.year, month=g.month, day=g.day if j > i else None)
    return e


def _match_at(words, i) -> TimeExpr | None:
    w = words[i]
    nxt = words[i + 1] if i + 1 < len(words) else None
    h = _hijri_at(words, i)
    if h is not None:
        return h
    m = NUMERIC_DATE.match(w.norm)
    if m:
        a, b, c = (int(x) for x in m.groups())
        if a > 31:
            a, c = c, a                              # 2017/4/19
        day, month = (b, a) if b > 12 >= a else (a, b)   # 4/19/2017 is US order; else day first
        if 1 <= month <= 12 and 1 <= day <= 31:
            return TimeExpr(i, i, year=c if c > 999 else None, month=month, day=day)
    num = _int(w)
    if num is not None and 1 <= num <= 31:
        j = i + 1
        if j + 1 < len(words) and words[j].norm == "و" and _int(words[j + 1]) is not None:
            j += 2                                   # 'يومي 22 و23 مارس': keep the first day
        elif j < len(words) and words[j].norm.startswith("و") and words[j].norm[1:].isdigit():
            j += 1
        hit = _month_at(words, j) if j < len(words) else None
        if hit:
            e = TimeExpr(i, j + hit[1] - 1, month=hit[0], day=num)
            return _extend(words, e)
    hit = _month_at(words, i)
    if hit:
        e = _extend(words, TimeExpr(i, i + hit[1] - 1, month=hit[0]))
        return e
    k = _key_in(w, YEAR_WORDS)
    if k and nxt is not None:
        if YEAR.match(nxt.norm):
            return TimeExpr(i, i + 1, year=int(nxt.norm))
        if nxt.norm in PAST_WORDS:
            return TimeExpr(i, i + 1, rel_year=-1)
        if nxt.norm in THIS_WORDS or nxt.norm in NEXT_WORDS:
            return TimeExpr(i, i + 1, rel_year=0 if nxt.norm in THIS_WORDS else 1)
    if _key_in(w, MONTH_WORDS) and nxt is not None:
        if nxt.norm in PAST_WORDS | NEXT_WORDS | THIS_WORDS:
            rel = -1 if nxt.norm in PAST_WORDS else (1 if nxt.norm in NEXT_WORDS else 0)
            return TimeExpr(i, i + 1, rel_month=rel)
    if w.norm in DEMONSTRATIVES and nxt is not None and nxt.norm == "الشهر":
        return TimeExpr(i, i + 1, rel_month=0)
    if w.norm == "اول" and nxt is not None:          # 'أول من أمس', 'أول أمس'
        if nxt.norm == "امس":
            return TimeExpr(i, i + 1, rel_days=-2)
        if nxt.norm == "من" and i + 2 < len(words) and words[i + 2].norm == "امس":
            return TimeExpr(i, i + 2, rel_days=-2)
    k = _key_in(w, RELATIVE_DAYS)
    if k and (k != "اليوم" or w.norm in TODAY_FORMS):
        return TimeExpr(i, i, rel_days=RELATIVE_DAYS[k])
    k = _key_in(w, WEEKDAYS)
    if k and (w.norm.startswith("ال") or w.norm.startswith("وال") or (i and words[i - 1].norm in LEAD_WORDS)):
        e = TimeExpr(i, i, weekday=WEEKDAYS[k])
        if nxt is not None and nxt.norm in PAST_WORDS | NEXT_WORDS:
            e.last, e.direction, e.marked = i + 1, (1 if nxt.norm in NEXT_WORDS else -1), True
        elif nxt is not None and _key_in(nxt, WEEKDAYS):  # 'ليل السبت الأحد'
            e.last = i + 1
        return e
    if _key_in(w, VAGUE_HEADS) and nxt is not None and (nxt.norm in PAST_WORDS or nxt.norm in RECENT_WORDS):
        j = i + 1
        while j + 1 < len(words) and words[j + 1].norm in PAST_WORDS | PAST_PLURAL_WORDS:
            j += 1
        return TimeExpr(i, j)
    if w.norm in NOW_WORDS:
        return TimeExpr(i, i)
    return None


def _extend(words, e: TimeExpr) -> TimeExpr:
    """Absorb '/ month', '(month)', a year ('2014', 'من عام 2017') or 'الماضي/المقبل' after a month."""
    j = e.last + 1
    while j < len(words):
        w = words[j]
        hit = _month_at(words, j)
        if hit:                                      # second name of the same month ('اذار/مارس')
            j += hit[1]
            e.last = j - 1
            continue
        if YEAR.match(w.norm):
            e.year, e.last = int(w.norm), j
            break
        if w.norm in YEAR_LEADS and j + 1 < len(words):
            j += 1
            continue
        if w.norm in PAST_WORDS | NEXT_WORDS | THIS_WORDS:
            e.direction = 1 if w.norm in NEXT_WORDS else (0 if w.norm in THIS_WORDS else -1)
            e.last = j
        break
    return e


def resolve(e: TimeExpr, published: dt.date | None) -> tuple[dt.date | None, str]:
    """(date, precision) of a time expression; relative ones need the publication date."""
    if e.year and e.month and e.day:
        return _safe(e.year, e.month, e.day), "day"
    if e.year and e.month:
        return dt.date(e.year, e.month, 1), "month"
    if e.year:
        return dt.date(e.year, 1, 1), "year"
    if published is None:
        return None, "unknown"
    if e.rel_days is not None:
        return published + dt.timedelta(days=e.rel_days), "day"
    if e.weekday is not None:
        delta = (published.weekday() - e.weekday) % 7
        if e.direction > 0:
            return published + dt.timedelta(days=(e.weekday - published.weekday()) % 7 or 7), "day"
        if e.direction < 0 and delta == 0 and e.marked:           # 'السبت الماضي' on a Saturday
            delta = 7
        return published - dt.timedelta(days=delta), "day"
    if e.month:
        year = published.year
        if e.direction < 0 and (e.month, e.day or 1) > (published.month, published.day):
            year -= 1                                # a past month later in the year: last year
        if e.direction > 0 and (e.month, e.day or 1) < (published.month, published.day):
            year += 1
        if e.day:
            return _safe(year, e.month, e.day), "day"
        return dt.date(year, e.month, 1), "month"
    if e.rel_month is not None:
        m = published.month - 1 + e.rel_month
        return dt.date(published.year + m // 12, m % 12 + 1, 1), "month"
    if e.rel_year is not None:
        return dt.date(published.year + e.rel_year, 1, 1), "year"
    return None, "unknown"


def _safe(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


# --- quantities ------------------------------------------------------------------------
@lru_cache(maxsize=1)
def _count_kinds() -> dict[str, str]:
    return {normalize(noun): kind for kind, nouns in cues()["count_nouns"].items() for noun in nouns}


@lru_cache(maxsize=1)
def _number_words() -> dict[str, float]:
    return {normalize(k): float(v) for k, v in cues()["number_words"].items()}


NUMBER = re.compile(r"\d+(?:\.\d+)?")


@lru_cache(maxsize=1)
def _multipliers() -> dict[str, float]:
    return {normalize(k): float(v) for k, v in cues()["multipliers"].items()}


def _number(word) -> float | None:
    return number_value(word.norm)


@lru_cache(maxsize=100_000)
def number_value(norm: str) -> float | None:
    """Value of a number written in digits or words ('23', 'ثمانية', 'مئات'), else None."""
    if norm[0].isdigit():
        s = norm.replace(",", "")
        return float(s) if NUMBER.fullmatch(s) else None
    words = _number_words()
    return next((words[k] for k in clitic_keys(norm) if k in words), None)


def find_quantities(words, skip: set[int], candidates: list[int] | None = None) -> list[tuple[int, int, dict]]:
    """(first word, last word, QUANTITY struct without text) for 'number [من] noun' phrases.

    `candidates`, when given, lists the word indexes that can be numbers (the caller's cached
    per-form bits), so the scan skips the other words."""
    kinds, mult = _count_kinds(), _multipliers()
    out = []
    resume = 0
    for i in (range(len(words)) if candidates is None else candidates):
        if i < resume or i in skip or words[i].norm.endswith("%"):
            continue
        value = _number(words[i])
        if value is None:
            continue
        j = i + 1
        if j < len(words) and words[j].norm in mult and words[i].norm[0].isdigit():
            value *= mult[words[j].norm]          # '15 ألف'
            j += 1
        if j < len(words) and words[j].norm == "من":    # '900 من جنودها'
            j += 1
        if j >= len(words):
            break
        noun = words[j]
        kind = next((kinds[k] for k in noun.stems if k in kinds), None)
        if kind is None:
            if not words[i].norm[0].isdigit():      # a number word must count a known noun
                continue
            kind = "count"
        unit = "km" if kind == "distance" and (noun.norm in KM_UNITS or noun.norm.startswith("كيلو")) else None
        if kind == "distance" and j + 1 < len(words) and words[j + 1].norm == "مربع":
            kind, unit, j = "area", "km2", j + 1
        out.append((i, j, dict(kind=kind, value=value, unit=unit or noun.norm)))
        resume = j + 1
    return out
