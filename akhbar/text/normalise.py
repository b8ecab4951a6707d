"""Arabic text normalisation for matching, hashing and tokenising.

Normalised forms are for *matching only*: stored text keeps its original
characters, and every span is an offset into the original text.

pyarabic defines the Arabic-specific marks (tashkeel, lam-alef ligatures);
a translate table adds what it lacks (alef/hamza carriers kept apart from
pyarabic's normalize_hamza, which turns أحمد into ءحمد; Arabic-Indic digits;
quotes; bidi marks; presentation forms via NFKC). Everything is applied as one
`str.translate` pass: pyarabic's strip_tashkeel/normalize_ligature scan the text
character by character in Python and were most of the cost (docs/performance.md).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from pyarabic import araby

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u0671-\u06D3\u06FA-\u06FF]")

# One table for every single-character mapping: cheap, and applied in one pass.
_CHAR_MAP = {
    # alef forms -> bare alef
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    # alef maqsura -> yeh, teh marbuta -> heh (common spelling variation in news)
    "\u0649": "\u064A", "\u0629": "\u0647",
    # Persian/Urdu letter variants seen in scraped Arabic
    "\u06CC": "\u064A", "\u06A9": "\u0643",
    # Arabic-Indic and Eastern Arabic-Indic digits -> ASCII
    **{chr(0x0660 + i): str(i) for i in range(10)},
    **{chr(0x06F0 + i): str(i) for i in range(10)},
    "\u066B": ".", "\u066C": ",",  # Arabic decimal / thousands separators
    # quotes -> ASCII double quote
    "\u00AB": '"', "\u00BB": '"', "\u201C": '"', "\u201D": '"', "\u201E": '"',
    "\u2018": "'", "\u2019": "'", "\u201B": "'",
    # Arabic comma / semicolon / question mark kept as their ASCII kin
    "\u060C": ",", "\u061B": ";", "\u061F": "?",
    # dashes
    "\u2013": "-", "\u2014": "-", "\u2212": "-",
    # non-breaking and odd spaces -> space
    "\u00A0": " ", "\u2009": " ", "\u202F": " ", "\u200A": " ",
}
# Characters deleted outright: tatweel, bidi/zero-width marks, BOM.
_DELETE = "\u0640\u200B\u200C\u200D\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF"
# pyarabic's strip_tashkeel deletes these marks and normalize_ligature turns each lam-alef
# ligature into lam + bare alef; both are single-character rewrites, so they join the table.
_PYARABIC = {**{c: None for c in araby.TASHKEEL}, **{c: araby.LAM + araby.ALEF for c in araby.LIGUATURES}}
_MAPPING = str.maketrans({**_CHAR_MAP, **{c: None for c in _DELETE}, **_PYARABIC})
# The same mapping as a list indexed by code point (identity where unmapped): str.translate
# indexes a list faster than it looks up a dict. Code points past the list raise IndexError,
# which translate treats as "unmapped" (all mapped characters are in the BMP).
_TABLE = [_MAPPING.get(cp, chr(cp)) for cp in range(0x10000)]
assert max(_MAPPING) < len(_TABLE)
_PRESENTATION_FORMS = re.compile(r"[\uFB50-\uFDFF\uFE70-\uFEFF]")

# The same mapping for numpy, on whole documents: code point -> code point, or a marker.
_DELETED, _EXPANDS = 0xFFFFFFFF, 0xFFFFFFFE        # no output / more than one character (the ligatures)
_POINTS = np.arange(0x10000, dtype=np.uint32)
for _cp, _out in _MAPPING.items():
    _POINTS[_cp] = _DELETED if _out is None else ord(_out) if len(_out) == 1 else _EXPANDS
LONG_TEXT = 256    # from about this length the array path is faster than str.translate (4x on articles)


def _code_points(text: str) -> np.ndarray:
    """The text's code points as a uint32 array (lone surrogates kept as they are)."""
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _translate_long(text: str) -> str:
    """text.translate(_TABLE) as array lookups: str.translate boxes every code point it looks
    up, which made normalising whole documents (ingest's hash, dedupe's line keys) its main cost."""
    points = _code_points(text)
    if points.size and points.max() > 0xFFFF:     # astral characters are never mapped
        mapped = np.where(points <= 0xFFFF, _POINTS[np.minimum(points, 0xFFFF)], points)
    else:
        mapped = _POINTS[points]
    if (mapped >= _EXPANDS).any():
        mapped = mapped[mapped != _DELETED]
        if (mapped == _EXPANDS).any():            # a ligature: only without NFKC, which removes them
            return text.translate(_TABLE)
    return mapped.tobytes().decode("utf-32-le", "surrogatepass")


# Combining maddah / hamza above / hamza below: with the letter before them they compose (NFC)
# into آ أ إ ؤ ئ ... The table can bring the two together (ٱ -> ا, a tatweel or vowel mark between
# them deleted), and the NFKC of a second pass would then compose them: not idempotent.
_COMPOSING_MARKS = re.compile("[\u0653-\u0655]")


def normalize(text: str) -> str:
    """Normalise Arabic text for matching. Idempotent: normalize(normalize(x)) == normalize(x)."""
    if _PRESENTATION_FORMS.search(text):
        text = unicodedata.normalize("NFKC", text)
    text = _translate_long(text) if len(text) >= LONG_TEXT else text.translate(_TABLE)
    if _COMPOSING_MARKS.search(text):        # rare: decomposed hamza/maddah; compose, then map again
        text = unicodedata.normalize("NFC", text).translate(_TABLE)
    return text


def normalize_for_hash(text: str) -> str:
    """Normalisation used for content hashing: `normalize` plus collapsed whitespace.

    str.split() and the regex `\\s` agree on what whitespace is (both use str.isspace), so
    this equals re.sub(r"\\s+", " ", ...).strip(), at a fraction of the cost on long texts.
    """
    return " ".join(normalize(text).split())


# Proclitics, longest first. A matching key strips at most one conjunction (و/ف),
# one preposition (ب/ل/ك) and the article (ال), or the fused لل.
_CONJ = ("و", "ف")
_PREP = ("ب", "ل", "ك")


@lru_cache(maxsize=200_000)
def clitic_keys(token: str) -> tuple[str, ...]:
    """Candidate matching keys for a *normalised* token, most specific first.

    'والموصل' -> ('والموصل', 'الموصل', 'موصل'); 'للموصل' -> ('للموصل', 'الموصل', 'موصل').
    The bare form (without ال) is included so gazetteer names stored with or
    without the article both match. Stems shorter than 2 letters are never produced.
    """
    keys: list[str] = [token]
    stems = [token]
    if len(token) > 3 and token[0] in _CONJ:
        stems.append(token[1:])
    more = []
    for s in stems:
        if s.startswith("لل") and len(s) > 3:
            more.append("ال" + s[2:])
        elif len(s) > 3 and s[0] in _PREP:
            more.append(s[1:])
    stems += more
    for s in stems:
        if s not in keys:
            keys.append(s)
        if s.startswith("ال") and len(s) > 3 and s[2:] not in keys:
            keys.append(s[2:])
    return tuple(keys)


@lru_cache(maxsize=1)
def _letter_table():
    """Per BMP code point: bit 1 = str.isalpha, bit 2 = an Arabic letter (ARABIC_LETTER)."""
    table = np.zeros(0x10000, np.uint8)
    table[[cp for cp in range(0x10000) if chr(cp).isalpha()]] |= 1
    table[[cp for cp in range(0x10000) if ARABIC_LETTER.match(chr(cp))]] |= 2
    return table


def arabic_ratio(text: str) -> float:
    """Share of letters (str.isalpha) that are Arabic (ARABIC_LETTER), 0..1; 0 for text with no letters.

    Counted over the code points as one numpy array and a lookup table: ingest asks this of
    every document, and a per-character Python loop was a third of ingest's time."""
    points = _code_points(text)
    astral = 0
    if points.size and points.max() > 0xFFFF:       # outside the table: rare (emoji, math letters)
        astral = sum(c.isalpha() for c in text if ord(c) > 0xFFFF)
        points = points[points <= 0xFFFF]
    kinds = _letter_table()[points]
    letters = int(np.count_nonzero(kinds & 1)) + astral
    return int(np.count_nonzero(kinds & 2)) / letters if letters else 0.0
