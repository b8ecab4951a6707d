"""Participant spans (tasks/events/fillers.py) on sentences written for the test, outside every data set."""

import pytest

from tasks.events.fillers import pluperfect_subject_at
from tasks.events.words import analyse


def _at(text, verb):
    sent = analyse(text, 0, len(text), [])
    i = next(k for k, w in enumerate(sent.words) if text[w.start:w.end] == verb)
    j = pluperfect_subject_at(sent, i)
    return None if j is None else text[sent.words[j].start:sent.words[j].end]


@pytest.mark.parametrize("text,verb,first", [
    ("وكانت وحدة خاصة من قوات الأمن قد قتلت ثلاثة مسلحين.", "قتلت", "وحدة"),
    ("وكان مسلحون قد هاجموا الحاجز فجرا.", "هاجموا", "مسلحون"),
    ("وكان الجنود، حسب الشهود، قد قتلوا خمسة رجال.", "قتلوا", None),     # punctuation between
    ("وكان قد هاجم الحاجز فجرا.", "هاجم", None),                        # no subject between 'كان' and 'قد'
    ("هاجم مسلحون الحاجز فجرا.", "هاجم", None),                         # no 'قد'
])
def test_pluperfect_subject_at(text, verb, first):
    assert _at(text, verb) == first
