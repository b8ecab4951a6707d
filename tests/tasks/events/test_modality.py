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
