"""tasks.events.modality on sentences written for the test."""

import pytest

from tests.tasks.events.evhelp import one


@pytest.mark.parametrize("text,etype,modality", [
    ("لا مجال للهرب من الموصل.", "ESCAPE", "denied"),
    ("أعلن المتحدث أن هربهم غير وارد.", "ESCAPE", "denied"),
    ("نفى الجيش وجود أي انسحاب من المدينة.", "RETREAT", "denied"),
    ("أنباء عن هروب قادة داعش من الرقة.", "ESCAPE", "reported"),
    ("اتهم القيادي القوات الأمريكية بمساعدة البغدادي على الهروب.", "ESCAPE", "accused"),
    ("من المرجح أن مسلحيه سينقلون إلى صحراء الأنبار.", "ESCAPE", "hypothetical"),
    ("إذا لم تنسحب القوات فستندلع المعارك.", "RETREAT", "hypothetical"),
    ("وستتقدم القوات نحو المدينة.", "ASSAULT", "future"),
    ("أطلقت القوات عملية عسكرية لاستعادة المدينة.", "CONTROL_CHANGE", "future"),
    ("قتل خمسة مدنيين بحسب المرصد.", "CASUALTIES", "claimed"),
    ("انسحبت القوات من البلدة.", "RETREAT", "asserted"),
])
def test_modality(text, etype, modality):
    assert one(text, etype)["modality"] == modality


def test_cue_before_loops_match_the_generator_reading():
    """evspeed8: `_cue_before` (the loops that replaced nested generators) finds a cue with no stop
    word between it and the trigger; flags written for the test, not from any data set."""
    from tasks.events.modality import _cue_before, _has_norm
    from tasks.events.words import Word
    cue, stop = 1, 2
    words = [Word(k, k + 1, "س", ("س",), ("س",), 0, "") for k in range(5)]
    assert _cue_before([0, cue, 0, 0, 0], words, 0, 4, cue, stop, False)
    assert not _cue_before([0, cue, stop, 0, 0], words, 0, 4, cue, stop, False)   # a stop word between
    assert not _cue_before([0, 0, 0, 0, cue], words, 0, 4, cue, stop, False)      # at the trigger: not before
    assert _has_norm(words, "س") and not _has_norm(words, "ص")
