"""Segment: clean blocks -> articles (title, body, metadata), paragraphs, sentences, tokens.

A block (a page text or a shared segment from dedupe) is read line by line. Every non-blank
line gets a kind from its shape: headline, body paragraph, caption, marker ('TT'), credit
('| الوطن - وكالات'), publisher ('صحيفة الوطن'), section label, date line or page furniture.
A story starts at a headline that opens a new header (after a wider blank gap than the page
usually leaves, or followed by captions, markers, a credit or its own repeat before the body);
each story becomes one article.

Decisions (docs/segment.md has the full list):
- `articles.text` is the title paragraph, the subtitle paragraphs and the body paragraphs,
  joined by a blank line; `body_start` is where the body begins. Captions and page furniture
  go to their own columns, never into the text.
- Stored text is never rewritten. Glued words ('الولاياتالمتحدة') are recorded in
  `articles.repairs` and `tokens(..., splits=...)` emits two tokens for them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import statistics
from dataclasses import dataclass, field
from functools import lru_cache

import polars as pl
import pyarrow as pa

from akhbar.config import SegmentConfig
from akhbar.faults import error_detail
from akhbar.perf import gc_paused
from akhbar.text.lexicon import agency_of, is_kind, label_key, lexicon, place_names
from akhbar.text.normalise import ARABIC_LETTER, clitic_keys, normalize, normalize_for_hash
from akhbar.text.sentences import _AR_CHAR, _AR_WORD, _trim, split_sentences
from akhbar.contracts import SCHEMAS
from akhbar.ids import stable_id
from akhbar.resources import read_tsv

log = logging.getLogger(__name__)

TITLE_MAX_WORDS = 30        # a longer line is a body paragraph, whatever its punctuation
CAPTION_MAX_WORDS = 40
LABEL_MAX_WORDS = 6         # furniture/section labels are never longer
LONG_LINE_CHARS = 400       # longer than any headline, caption or label line
HEADER_LOOKAHEAD = 8        # lines after a headline searched for captions/markers/repeats
PARAGRAPH_SEP = "\n\n"


# --- glued-word repair -----------------------------------------------------------
# A word is glued when it is unknown but splits into two known words ('جنوبالمدينة' ->
# 'جنوب' + 'المدينة'). Known: ranked in the common-word list (wordfreq, most frequent first) or
# named in the gazetteer, or a word of 4+ letters seen 3+ times on its own in the corpus (all
# blocks of the run, whatever the partitioning: `corpus_vocabulary`).
# Evidence decides how common the parts must be: a split before the article 'ال', or right after
# a teh marbuta / alef maqsura (letters that only end a word), needs parts in the top 20,000;
# any other split needs two parts of 4+ letters in the top 10,000. Two-letter parts must be
# function words (top 200). The thresholds are measured in docs/segment.md.
RANK_STRONG, RANK_PLAIN, RANK_FUNCTION = 20_000, 10_000, 200
SEEN_MIN_COUNT, SEEN_MIN_LETTERS = 3, 4     # a corpus word is known when seen this often, this long
GLUED_MIN_LETTERS = 5                       # shorter words are never split
# Longer letter runs are never split (skipped, not split): looking for a split costs the square of
# the length (every prefix and suffix), and no two real words glued are this long.
GLUED_MAX_LETTERS = SegmentConfig.max_glued_word_chars
_PROCLITICS = "وفبلك"
VOCAB_BATCH = 2_000                         # blocks whose words are counted at once (corpus_vocabulary)


@lru_cache(maxsize=1)
def word_ranks() -> dict[str, int]:
    """Normalised common word -> frequency rank (0 = most frequent); gazetteer words rank 0."""
    ranks: dict[str, int] = {}
    for w in lexicon().words_ranked:
        ranks.setdefault(w, len(ranks))
    for name, *_ in read_tsv("gazetteer.tsv"):
        for w in name.split():
            ranks[normalize(w)] = 0
    return ranks


def word_forms(texts) -> pl.DataFrame:
    """Distinct Arabic words of `texts` as written (`raw`), their normalised form (`word`) and count (`n`).
    Words are found and counted in polars; only each distinct form is normalised in Python."""
    col = pl.Series("raw", texts, dtype=pl.String).drop_nulls()
    return _normalised(col.str.extract_all(_AR_WORD.pattern).list.explode(keep_nulls=False, empty_as_null=False)
                       .value_counts(name="n"))


def _normalised(forms: pl.DataFrame) -> pl.DataFrame:
    forms = forms.sort("raw")
    return forms.with_columns(word=pl.Series([normalize(w) for w in forms["raw"]], dtype=pl.String))


def frequent_words(forms: pl.DataFrame) -> pl.DataFrame:
    """The `word`s of `word_forms` with SEEN_MIN_LETTERS+ letters seen SEEN_MIN_COUNT+ times, sorted."""
    return (forms.group_by("word").agg(pl.col("n").sum())
            .filter((pl.col("n") >= SEEN_MIN_COUNT) & (pl.col("word").str.len_chars() >= SEEN_MIN_LETTERS))
            .select("word").sort("word"))


def corpus_vocabulary(blocks: pl.DataFrame, parts: dict[int, pl.DataFrame] | pl.Series,
                      max_word_chars: int = GLUED_MAX_LETTERS) -> dict[int, pl.DataFrame]:
    """For each partition of `blocks`, the corpus-frequent words its glued-word repair can use.

    `parts`: the partitions of `blocks` (a split's dict), or each block's partition number (a Series
    aligned with `blocks`: no copy of the blocks). Frequency is counted once over all blocks, so a
    repair never depends on how the blocks are partitioned. Each partition gets only the frequent words
    that are a possible part of one of its own words (the left part, perhaps after a proclitic, or the
    right part): the repairs are the same as with the whole list, and a partition's cache key changes
    only when a word it could use crosses the threshold, not whenever any document is added. The
    counts are folded VOCAB_BATCH blocks at a time and each partition's words are read from its own
    blocks, so no (partition, word) table of the whole corpus is held (it grew with the partition count).
    """
    tags = _partition_tags(blocks, parts)
    forms = _normalised(_word_counts(blocks))
    known = frequent_words(forms)
    # written forms found only in page titles (build_articles may make one the story's title): candidates, not counted
    titles = _normalised(_raw_words(blocks, "meta_title").unique().join(forms, on="raw", how="anti"))
    glueable = pl.concat([forms.select("raw", "word"), titles.select("raw", "word")])
    glueable = glueable.filter(pl.col("word").str.len_chars().is_between(GLUED_MIN_LETTERS, max_word_chars))
    keys = list(parts) if isinstance(parts, dict) else sorted(tags.unique().to_list()) or [0]
    out = {}
    for p in keys:
        mine = blocks.filter(tags == p)
        raw = pl.concat([_raw_words(mine), _raw_words(mine, "meta_title")]).unique()
        words = raw.join(glueable, on="raw").select("word").unique()
        out[p] = known.join(_split_parts(words), on="word", how="semi")
    return out


def _partition_tags(blocks: pl.DataFrame, parts: dict[int, pl.DataFrame] | pl.Series) -> pl.Series:
    """Each block's partition number, aligned with `blocks`."""
    if not isinstance(parts, dict):
        return parts
    tag = pl.concat([part.select("block_id", _p=pl.lit(p, pl.Int64)) for p, part in parts.items()]) if parts \
        else pl.DataFrame(schema={"block_id": pl.String, "_p": pl.Int64})
    return blocks.select("block_id").join(tag, on="block_id", how="left", maintain_order="left").get_column("_p")


def _raw_words(blocks: pl.DataFrame, column: str = "text") -> pl.DataFrame:
    """Every Arabic word occurrence of the blocks' `column` as written, one row each (`raw`); none when
    the blocks have no such column (`meta_title`: the page title a story may take, see build_articles)."""
    if column not in blocks.columns:
        return pl.DataFrame(schema={"raw": pl.String})
    return blocks.select(raw=pl.col(column).cast(pl.String).str.extract_all(_AR_WORD.pattern)).explode(
        "raw", keep_nulls=False, empty_as_null=False)


def _word_counts(blocks: pl.DataFrame) -> pl.DataFrame:
    """(raw, n) over all blocks, counted VOCAB_BATCH blocks at a time and folded into one running count:
    every word occurrence of the corpus is a row for one batch only."""
    total = pl.DataFrame(schema={"raw": pl.String, "n": pl.UInt32})
    for lo in range(0, blocks.height, VOCAB_BATCH):
        batch = _raw_words(blocks.slice(lo, VOCAB_BATCH)).group_by("raw").agg(n=pl.len().cast(pl.UInt32))
        total = pl.concat([total, batch]).group_by("raw").agg(pl.col("n").sum())
    return total


def _split_parts(words: pl.DataFrame) -> pl.DataFrame:
    """Every word[:i], word[1:i] and word[i:] (2 <= i <= len - 2) of `words`: what `Vocabulary.split` looks up."""
    longest = words["word"].str.len_chars().max() or 0
    w = pl.col("word")
    parts = [words.filter(w.str.len_chars() > i + 1)
             .select(pl.concat_list(w.str.slice(0, i), w.str.slice(1, i - 1), w.str.slice(i)).alias("word"))
             for i in range(2, longest - 1)]
    if not parts:
        return pl.DataFrame(schema={"word": pl.String})
    return pl.concat(parts).explode("word").unique()


class Vocabulary:
    """Known words for one partition: the common-word list plus the corpus's frequent words.

    `known_words` (a `word` frame, e.g. from `corpus_vocabulary`) are the corpus's frequent words;
    without it they are counted in `texts`, which is right when `texts` is the whole corpus.
    Words longer than `max_word_chars` letters are never split. `titles`: further texts repairs run on
    (the page titles a story may take): their words may be glued words, but they are not counted.
    """

    def __init__(self, texts: list[str], known_words: pl.DataFrame | None = None,
                 max_word_chars: int = GLUED_MAX_LETTERS, titles: list[str] = ()):
        forms = word_forms(texts)
        self.norm_of = dict(zip(forms["raw"].to_list(), forms["word"].to_list()))
        if titles:
            self.norm_of.update(zip(*word_forms(list(titles)).select("raw", "word").get_columns()))
        self.seen = frozenset((frequent_words(forms) if known_words is None else known_words)["word"].to_list())
        self.ranks = word_ranks()
        self.max_word_chars = max_word_chars
        self._split_cache: dict[str, int | None] = {}
        # Written form -> offset splitting it, for every glued word of the partition.
        self.glued: dict[str, int] = {}
        for w, n in self.norm_of.items():
            k = self.split(n) if GLUED_MIN_LETTERS <= len(n) <= max_word_chars else None
            if k is not None:
                self.glued[w] = _raw_offset(w, k)
        self.shortest_glued = min(map(len, self.glued), default=0)

    @classmethod
    def empty(cls) -> "Vocabulary":
        """A vocabulary that repairs nothing (when building the real one failed)."""
        return cls([], pl.DataFrame({"word": []}, schema={"word": pl.String}))

    def _known(self, part: str, max_rank: int) -> bool:
        if len(part) == 2:
            return self.ranks.get(part, RANK_FUNCTION) < RANK_FUNCTION
        return self.ranks.get(part, max_rank) < max_rank or part in self.seen

    def _known_left(self, part: str, max_rank: int) -> bool:
        """The left word may carry one proclitic ('والولايات')."""
        return self._known(part, max_rank) or (
            len(part) >= 5 and part[0] in _PROCLITICS and self._known(part[1:], max_rank))

    def split(self, word: str) -> int | None:
        """Offset (in the normalised word) splitting a glued word into two known words, or None."""
        if word in self._split_cache:
            return self._split_cache[word]
        best, best_score = None, 0
        if GLUED_MIN_LETTERS <= len(word) <= self.max_word_chars and not any(k in self.ranks for k in clitic_keys(word)):
            for i in range(2, len(word) - 1):
                left, right = word[:i], word[i:]
                if left[-1] in "\u0629\u0649":
                    max_rank, score = RANK_STRONG, 30
                elif right.startswith("ال") and len(right) >= 4:
                    max_rank, score = RANK_STRONG, 20
                elif len(left) >= 4 and len(right) >= 4:
                    max_rank, score = RANK_PLAIN, 10
                else:
                    continue
                score += min(len(left), len(right))
                if score > best_score and self._known_left(left, max_rank) and self._known(right, max_rank):
                    best, best_score = i, score
        self._split_cache[word] = best
        return best


def _raw_offset(surface: str, norm_chars: int) -> int:
    """Offset in `surface` after `norm_chars` normalised characters (tashkeel/tatweel count as 0)."""
    n = 0
    for i, ch in enumerate(surface):
        if n >= norm_chars:
            return i
        n += len(normalize(ch))
    return len(surface)


_AR_CHAR_RE = re.compile(_AR_CHAR)


@lru_cache(maxsize=64)
def _long_words(n: int) -> re.Pattern:
    """Arabic words as written (`_AR_WORD`) of at least n characters: the shortest glued word's length."""
    return re.compile(rf"[\u0621-\u064A]{_AR_CHAR}{{{max(n - 1, 0)},}}")


def find_repairs(text: str, vocab: Vocabulary) -> list[dict]:
    """Glued words of text as {start, end, split} (offsets into text); text is not changed.
    `vocab` must have seen text (segment builds it from the whole partition).

    A glued word is a whole Arabic word as written (`_AR_WORD`: a letter, then letters and marks)
    not preceded by a mark or tatweel: each word is looked up in `vocab.glued` (one regex pass and
    a dict look-up per word; an alternation of every glued word was a third of segment's time)."""
    glued = vocab.glued
    if not glued:
        return []
    out = []
    for m in _long_words(vocab.shortest_glued).finditer(text):
        k = glued.get(m.group())
        if k is not None and not (m.start() and _AR_CHAR_RE.match(text, m.start() - 1)):
            out.append(dict(start=m.start(), end=m.end(), split=m.start() + k))
    return out


# --- dates -----------------------------------------------------------------------
_NUM_DATE = re.compile(r"(?<!\d)(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?!\d)")
_YEAR_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_TIME = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)")


@lru_cache(maxsize=1)
def _month_date_re() -> re.Pattern:
    names = sorted(lexicon().months, key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?:(?<!\d)(\d{{1,2}})\s+)?({alt})(?:\s*[/\-(]\s*(?:{alt})\s*\)?)?\s*،?\s*(\d{{4}})(?!\d)")


_DATE_NOISE = re.compile(r"[^\w/\-()]+")


def _date_words(norm: str) -> str:
    """Normalised text reduced to words, digits and / - ( ), single-spaced, as the month pattern expects."""
    return " ".join(_DATE_NOISE.sub(" ", norm).split())


def _valid(y: int, m: int, d: int) -> dt.date | None:
    if not 1900 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(s: str) -> tuple[dt.date, str, str] | None:
    """First explicit date in s as (date, precision, text as written); None when there is none.

    Numeric a/b/yyyy: a component > 12 decides which is the day ('4/19/2017' is 19 April);
    when both are <= 12 the Arabic day-first order is assumed ('3/4/2017' is 3 April).
    """
    n = normalize(s)   # Arabic-Indic digits -> ASCII; same length for these characters
    m = _NUM_DATE.search(n)
    if m:
        a, b, c = m.group(1), int(m.group(3)), m.group(4)
        if len(a) == 4:
            got = _valid(int(a), b, int(c))
        elif len(c) in (2, 4):
            y = int(c) + (2000 if len(c) == 2 else 0)
            a = int(a)
            day, month = (b, a) if (b > 12 >= a) else (a, b)
            got = _valid(y, month, day)
        else:
            got = None
        if got:
            return got, "day", m.group().strip()
    for m in _month_date_re().finditer(_date_words(n)):
        day, month, year = m.group(1), lexicon().months[m.group(2)], int(m.group(3))
        if day:
            got = _valid(year, month, int(day))
            if got:
                return got, "day", m.group().strip()
        elif _valid(year, month, 1):
            return dt.date(year, month, 1), "month", m.group().strip()
    return None


def parse_meta_date(s: str | None) -> tuple[dt.date, str, str] | None:
    """A record's date: ISO date/datetime (day), YYYY-MM (month), YYYY (year), or any page form."""
    if not s or not s.strip():
        return None
    try:
        return dt.datetime.fromisoformat(s.strip().replace("Z", "+00:00")).date(), "day", s.strip()
    except ValueError:
        pass
    if m := _YEAR_MONTH.match(s):
        got = _valid(int(m.group(1)), int(m.group(2)), 1)
        return (got, "month", s.strip()) if got else None
    if m := _YEAR.match(s):
        got = _valid(int(m.group(1)), 1, 1)
        return (got, "year", s.strip()) if got else None
    return parse_date(s)


# --- lines and their kinds ----------------------------------------------------------
HEAD, BODY, CAPTION, MARKER, FURNITURE, CREDIT, PUBLISHER, SECTION, DATE = (
    "head", "body", "caption", "marker", "furniture", "credit", "publisher", "section", "date")
_MARKER = re.compile(r"[A-Z]{1,4}")
_BULLET = re.compile(r"^[•·▪●■►◄\-*]\s*")
_CAPTION_CREDIT = re.compile(r"\(([^()]{1,40})\)\s*$")
_CREDIT_SEP = re.compile(r"\s*[|│–—-]\s*|\s+ـ\s+")
_SOURCE_LABEL = re.compile(r"^\s*(?:المصدر|المصادر|مصدر)\s*:\s*(.+)$")
_MID_STOP = re.compile(r"[.!?؟]\s+\S")
_TITLE_END_BAD = tuple(".،,:؛;…")
_SECTION_SUFFIX = re.compile(r"^(?P<title>.+?\S)\s+[-–—|]\s+(?P<label>[^-–—|]{2,30})$")


@dataclass
class Line:
    start: int
    end: int
    text: str
    gap: int            # blank lines before this line
    kind: str = BODY


def looks_like_title(par: str) -> bool:
    """A headline: 2..TITLE_MAX_WORDS words on one line, not ending or broken like a sentence."""
    words = par.split()
    if not 1 < len(words) <= TITLE_MAX_WORDS:
        return False
    s = par.rstrip()
    return not s.endswith(_TITLE_END_BAD) and not _MID_STOP.search(s)


def credit_parts(line: str) -> tuple[str | None, str | None] | None:
    """(publisher, agency) of a credit line ('| الوطن - وكالات', 'المصدر: رويترز', '(أ ف ب)'), else None."""
    s = line.strip()
    m = _SOURCE_LABEL.match(s)
    if m:
        s = m.group(1)
    s = s.strip(" |│()")
    parts = [p.strip(" ()«»\"") for p in _CREDIT_SEP.split(s) if p.strip(" ()«»\"")]
    if not parts or len(parts) > 3 or any(len(p.split()) > 4 for p in parts):
        return None
    agency = publisher = None
    for p in parts:
        a = agency_of(p)
        if a and not agency:
            agency = a
        elif not publisher and not a:
            publisher = publisher_name(p)
        else:
            return None
    if agency is None and not (m and publisher):
        return None
    return publisher, agency


def publisher_name(s: str) -> str:
    """'صحيفة الوطن' -> 'الوطن'; '«الحياة»' -> 'الحياة'."""
    words = s.strip(" «»\"“”").split()
    if len(words) > 1 and is_kind("publisher_noun", words[0]):
        words = words[1:]
    return " ".join(words)


def is_date_line(s: str) -> bool:
    """A short line that is a date, perhaps with a weekday, time or label ('تاريخ النشر: 19/4/2017')."""
    if len(s.split()) > 8 or not parse_date(s):
        return False
    rest = _TIME.sub(" ", _NUM_DATE.sub(" ", normalize(s)))
    rest = _month_date_re().sub(" ", _date_words(rest))
    return all(w in date_line_words() for w in label_key(rest).split())


@lru_cache(maxsize=1)
def date_line_words() -> frozenset[str]:
    """Words a date line may hold beside the date: weekdays, time words, words of date labels."""
    kinds = lexicon().kinds
    return frozenset(w for k in ("weekday", "time_word", "date_label") for label in kinds.get(k, ())
                     for w in label.split())


def classify(s: str) -> str:
    if not ARABIC_LETTER.search(s) and len(s.split()) <= LABEL_MAX_WORDS:
        return MARKER if _MARKER.fullmatch(s) else FURNITURE      # 'TT', 'news-picture', '• 4/19/2017'
    if len(s) > LONG_LINE_CHARS:
        return BODY                             # longer than any headline, caption or label
    words = s.split()
    short = len(words) <= LABEL_MAX_WORDS             # lexicon look-ups only for label-sized lines
    if (short and is_kind("furniture", s)) or (_BULLET.match(s) and len(words) <= 3):
        return FURNITURE
    if len(words) <= 3 and s.endswith(":"):
        return FURNITURE                        # a label with nothing after it ('مشاركة :')
    if is_date_line(s):
        return DATE
    if len(words) <= 3 and is_kind("section", s):
        return SECTION
    if len(words) <= 12 and credit_parts(s):
        return CREDIT
    if len(words) <= 3 and is_kind("publisher_noun", words[0]) and len(words) > 1:
        return PUBLISHER
    m = _CAPTION_CREDIT.search(s)
    if m and len(words) <= CAPTION_MAX_WORDS and not s[:m.start()].rstrip().endswith("."):
        inner = m.group(1)
        if agency_of(inner) or is_kind("photo_credit", inner):
            return CAPTION
    return HEAD if looks_like_title(s) else BODY


def page_lines(text: str) -> list[Line]:
    lines, gap, a = [], 0, 0
    while a <= len(text):
        b = text.find("\n", a)
        b = len(text) if b < 0 else b
        s, e = _trim(text, a, b)
        if e > s:
            line = text[s:e]
            lines.append(Line(s, e, line, gap, classify(line)))
            gap = 0
        else:
            gap += 1
        a = b + 1
    return lines


# --- stories ---------------------------------------------------------------------
def _opens_header(lines: list[Line], i: int) -> bool:
    """The headline at i is followed, before any body paragraph, by captions, a marker, a credit or its repeat."""
    key = label_key(lines[i].text)
    for ln in lines[i + 1:i + 1 + HEADER_LOOKAHEAD]:
        if ln.kind == BODY:
            return False
        if ln.kind in (CAPTION, MARKER, CREDIT) or (ln.kind == HEAD and label_key(ln.text) == key):
            return True
    return False


def split_stories(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped into stories. A new story starts at a headline after some body text when a
    wider blank gap than the page's usual one precedes it, or when it opens a header."""
    usual = statistics.median_low([ln.gap for ln in lines[1:]]) if len(lines) > 1 else 1
    stories, cur, has_body = [], [], False
    for i, ln in enumerate(lines):
        if has_body and ln.kind == HEAD and ((ln.gap >= 2 and ln.gap > usual) or _opens_header(lines, i)):
            k = len(cur)
            while k > 0 and cur[k - 1].kind == SECTION:   # a section label above the headline goes with it
                k -= 1
            stories.append(cur[:k])
            cur, has_body = cur[k:], False
        cur.append(ln)
        has_body = has_body or ln.kind == BODY
    stories.append(cur)
    return [s for s in stories if s]


_LEAD_SEG = re.compile(r"\s*([^-–—|:\n()«»،]{2,40}?)\s*(?:\(([^()\n]{1,30})\))?\s*(?:[-–—]|\sـ)\s*")


def lead_credit(par: str) -> tuple[str | None, str | None]:
    """(dateline, agency) from the start of the first body paragraph: 'بغداد - وكالات - ',
    'أ ف ب – ', 'بغداد (رويترز) - '. A dateline needs an agency after it or a known place name."""
    dateline = agency = None
    pos, segs = 0, []
    for _ in range(3):
        m = _LEAD_SEG.match(par, pos)
        if not m or len(m.group(1).split()) > 3 or any(c.isdigit() for c in m.group(1)):
            break
        segs.append((m.group(1).strip(), m.group(2)))
        pos = m.end()
    if not segs or pos >= len(par):
        return None, None
    for i, (seg, paren) in enumerate(segs):
        a = agency_of(seg)
        if a:
            agency = agency or a
        elif i == 0:
            dateline = seg
        else:
            break
        if paren and agency_of(paren):
            agency = agency or agency_of(paren)
    if dateline and not agency and label_key(dateline) not in place_names():
        dateline = None
    return dateline, agency


@dataclass
class Story:
    title: str | None = None
    subtitles: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    section: str | None = None
    captions: list[str] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    publisher: str | None = None
    footer_publisher: str | None = None
    agency: str | None = None
    dateline: str | None = None
    date: tuple[dt.date, str, str] | None = None


def _unique_append(items: list[str], s: str) -> None:
    if s not in items:
        items.append(s)


def read_story(lines: list[Line]) -> Story | None:
    """Title, subtitles, body paragraphs and metadata of one story's lines; None if it has no text."""
    st = Story()
    first_body = next((i for i, ln in enumerate(lines) if ln.kind == BODY), None)
    last_body = max((i for i, ln in enumerate(lines) if ln.kind == BODY), default=-1)
    seen_heads: set[str] = set()
    after_label = False                            # a furniture line followed the last body paragraph
    for i, ln in enumerate(lines):
        s, kind = ln.text, ln.kind
        in_header = first_body is None or i < first_body
        if kind == HEAD and in_header:
            key = label_key(s)
            if key in seen_heads:
                st.furniture.append(s)             # the headline printed again
            elif st.title is None:
                st.title = s
            else:
                st.subtitles.append(s)
            seen_heads.add(key)
        elif kind == SECTION and in_header:
            if st.section is None:
                st.section = s
            else:
                st.furniture.append(s)
        elif kind == CAPTION:
            _unique_append(st.captions, s)
        elif kind == CREDIT:
            publisher, agency = credit_parts(s)
            st.publisher = st.publisher or publisher
            st.agency = st.agency or agency
            st.furniture.append(s)
        elif kind == PUBLISHER and (in_header or i > last_body):
            st.footer_publisher = st.footer_publisher or publisher_name(s)
            st.furniture.append(s)
        elif kind in (MARKER, FURNITURE, DATE):
            st.date = st.date or parse_date(s)
            st.furniture.append(s)
            after_label = after_label or (kind == FURNITURE and i > last_body)
        elif kind == HEAD and after_label:
            st.furniture.append(s)                 # link titles under a trailing 'اقرأ أيضاً:'
        else:
            st.body.append(s)                      # body paragraphs, crossheads, labels inside the body
    if first_body is None:
        # No body paragraph: a bulletin of short lines or a lone line. Nothing is lost to the title.
        lines_ = ([st.title] if st.title else []) + st.subtitles + st.body
        if not lines_ and st.section:
            lines_, st.section = [st.section], None
        if not lines_:
            return None
        st.title, st.subtitles, st.body = (lines_[0], [], lines_[1:]) if len(lines_) > 1 else (None, [], lines_)
    if st.title:
        m = _SECTION_SUFFIX.match(st.title)
        if m and is_kind("section", m.group("label")):
            st.title, st.section = m.group("title"), st.section or m.group("label").strip()
    if st.body:
        st.dateline, lead_agency = lead_credit(st.body[0])
        st.agency = st.agency or lead_agency
    return st


# --- articles --------------------------------------------------------------------
def _article_row(st: Story, block: dict, vocab: Vocabulary, page_publisher: str | None,
                 run_id: str) -> tuple[dict, list[tuple[int, int, int]]]:
    paras = ([st.title] if st.title else []) + st.subtitles + st.body
    text = PARAGRAPH_SEP.join(paras)
    spans, pos = [], 0
    for p in paras:
        spans.append((pos, pos + len(p)))
        pos += len(p) + len(PARAGRAPH_SEP)
    n_head = len(paras) - len(st.body)
    body_start = spans[n_head][0] if n_head < len(spans) else len(text)
    sentences = [(p_idx, a, b) for p_idx, (ps, pe) in enumerate(spans) for a, b in split_sentences(text, ps, pe)]
    meta = parse_meta_date(block.get("meta_date"))
    date = st.date
    if meta and (date is None or _PRECISION_RANK[meta[1]] >= _PRECISION_RANK[date[1]]):
        date = meta                                # structured metadata wins unless the page is more precise
    row = dict(
        article_id=stable_id("art", normalize_for_hash(text)), doc_ids=list(block["doc_ids"] or []),
        title=st.title, subtitle="\n".join(st.subtitles) or None, text=text,
        body_start=body_start, section=st.section,
        published_date=date[0] if date else None, date_precision=date[1] if date else "unknown",
        date_text=date[2] if date else None,
        source=st.publisher or page_publisher or block.get("meta_source"), agency=st.agency,
        dateline=st.dateline, captions=st.captions, furniture=st.furniture,
        repairs=find_repairs(text, vocab), n_paragraphs=len(paras), n_sentences=len(sentences), run_id=run_id)
    return row, sentences


_PRECISION_RANK = {"day": 3, "month": 2, "year": 1, "unknown": 0}


def build_articles(block: dict, vocab: Vocabulary, run_id: str,
                   errors: list[tuple[int, BaseException]] | None = None) -> tuple[list[tuple[dict, list]], str | None]:
    """Articles of one block with their sentence spans; or ([], reason) when the block holds no text.
    With `errors`, a story whose article raises is left out and (story index, exception) noted there."""
    text = block.get("text")
    if text is None or not text.strip():
        return [], "block has no text"
    lines = page_lines(text)
    stories = [st for st in (read_story(s) for s in split_stories(lines)) if st]
    if not stories:
        return [], f"no article text: {len(lines)} line(s) of page furniture only"
    meta_title = (block.get("meta_title") or "").strip()
    first = stories[0]
    if meta_title and first.title is None:
        # The record's headline heads the first story (the page may print it as its first line).
        if label_key(first.body[0]) == label_key(meta_title) and len(first.body) > 1:
            first.title = first.body.pop(0)
        else:
            first.title = meta_title
    page_publisher = next((st.footer_publisher for st in stories if st.footer_publisher), None)
    if errors is None:
        return [_article_row(st, block, vocab, page_publisher, run_id) for st in stories], None
    built = []
    for i, st in enumerate(stories):
        try:
            built.append(_article_row(st, block, vocab, page_publisher, run_id))
        except Exception as exc:  # one bad article never loses the others of its page
            errors.append((i, exc))
    return built, None


def merge_articles(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """One row per article_id; the doc_ids of every block that produced it are merged."""
    arts = pl.concat(frames, how="vertical")
    if arts.is_empty():
        return arts
    cols = arts.columns
    return (arts.group_by("article_id", maintain_order=True)
            .agg(pl.all().exclude("doc_ids").first(),
                 pl.col("doc_ids").list.explode(keep_nulls=False, empty_as_null=False).unique().sort())
            .select(cols).sort("article_id"))


def _error_row(row_key: str, exc: BaseException, run_id: str) -> dict:
    """A quarantine row for an exception while segmenting one block or article."""
    return dict(table="articles", row_key=row_key, check="segment_error", detail=f"segment: {error_detail(exc)}",
                run_id=run_id)


def _article_table(arts: list[dict], rejected: list[dict], run_id: str) -> pa.Table:
    """The articles as an Arrow table; if one row cannot be converted, it is quarantined, not the partition."""
    try:
        return pa.Table.from_pylist(arts, schema=SCHEMAS["articles"])
    except Exception:  # find the culprit(s): row by row, only on this rare path
        good = []
        for row in arts:
            try:
                pa.Table.from_pylist([row], schema=SCHEMAS["articles"])
                good.append(row)
            except Exception as exc:
                rejected.append(_error_row(str(row.get("article_id")), exc, run_id))
        arts[:] = good
        return pa.Table.from_pylist(good, schema=SCHEMAS["articles"])


@gc_paused
def segment_blocks(blocks: pl.DataFrame, run_id: str, known_words: pl.DataFrame | None = None,
                   max_word_chars: int = GLUED_MAX_LETTERS) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Articles, sentences, and the blocks that yielded no article (quarantine rows with a reason).
    `known_words`: the corpus's frequent words when `blocks` is one partition (`corpus_vocabulary`).

    An exception while segmenting one block or article becomes a quarantine row (check
    `segment_error`: error type, message, the function that raised); the other blocks go on."""
    rows = list(blocks.iter_rows(named=True))
    rejected = []
    try:
        vocab = Vocabulary([r["text"] for r in rows if r.get("text")], known_words, max_word_chars,
                           titles=[r["meta_title"] for r in rows if r.get("meta_title")])
    except Exception as exc:  # without a vocabulary no glued word is repaired; the articles still are built
        log.warning("segment: glued-word vocabulary failed, no repairs in this partition: %s", error_detail(exc))
        rejected.append(_error_row("<vocabulary>", exc, run_id))
        vocab = Vocabulary.empty()
    arts: list[dict] = []
    sen_cols: dict[str, list] = {k: [] for k in ("article_id", "sentence_idx", "paragraph_idx", "start", "end", "text")}
    seen: set[str] = set()
    for block in rows:
        errors: list[tuple[int, BaseException]] = []
        try:
            built, reason = build_articles(block, vocab, run_id, errors)
        except Exception as exc:  # one bad block never stops the partition
            built, reason = [], None
            errors.append((-1, exc))
        for i, exc in errors:
            key = str(block.get("block_id")) + ("" if i < 0 else f"#story{i}")
            rejected.append(_error_row(key, exc, run_id))
        if reason:
            rejected.append(dict(table="articles", row_key=str(block.get("block_id")), check="segment",
                                 detail=reason, run_id=run_id))
        for row, sents in built:
            arts.append(row)
            if row["article_id"] in seen:
                continue                       # same article from another block: sentences once
            seen.add(row["article_id"])
            text = row["text"]
            for i, (p, a, b) in enumerate(sents):
                sen_cols["article_id"].append(row["article_id"])
                sen_cols["sentence_idx"].append(i)
                sen_cols["paragraph_idx"].append(p)
                sen_cols["start"].append(a)
                sen_cols["end"].append(b)
                sen_cols["text"].append(text[a:b])
    # Arrow builds typed columns from Python objects in C; polars' own row path is much slower here.
    n_arts = len(arts)
    articles = pl.from_arrow(_article_table(arts, rejected, run_id))
    if len(arts) != n_arts:   # an article row was quarantined: its sentences go with it
        keep = {a["article_id"] for a in arts}
        mask = [a in keep for a in sen_cols["article_id"]]
        sen_cols = {k: [v for v, m in zip(vals, mask) if m] for k, vals in sen_cols.items()}
    articles = merge_articles([articles]) if arts else articles
    sen_cols["run_id"] = [run_id] * len(sen_cols["start"])
    sentences = pl.from_arrow(pa.table(sen_cols, schema=SCHEMAS["sentences"])).sort("article_id", "sentence_idx")
    return articles, sentences, pl.from_arrow(pa.Table.from_pylist(rejected, schema=SCHEMAS["quarantine"]))


def segment(blocks: pl.DataFrame, run_id: str, known_words: pl.DataFrame | None = None,
            max_word_chars: int = GLUED_MAX_LETTERS) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Articles and sentences of a partition of blocks. Blocks without article text are logged;
    `segment_blocks` returns them as quarantine rows."""
    articles, sentences, rejected = segment_blocks(blocks, run_id, known_words, max_word_chars)
    for r in rejected.iter_rows(named=True):
        log.warning("segment: block %s yielded no article: %s", r["row_key"], r["detail"])
    return articles, sentences
