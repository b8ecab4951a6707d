"""The name memory: chunks and stems of the training labels as features; sentences written for this test."""

from tasks.entities.ner.memory import NameMemory

STEMS = [["قال", "سامر", "خليل", "في", "حمص"], ["زار", "سامر", "مدينه", "حمص"], ["سامر", "قال", "خليل"]]
LABELS = [["O", "B-PERS", "I-PERS", "O", "B-LOC"], ["O", "B-PERS", "O", "B-LOC"], ["O", "O", "O"]]


def test_memory_marks_remembered_chunks_longest_first_and_stems_with_their_rate():
    memory = NameMemory.build(STEMS, LABELS)
    marks = memory.marks(["وصل", "سامر", "خليل", "الى", "حمص", "خليل"])
    assert "mB=PERS" in marks[1] and "mI=PERS" in marks[2]      # the two-word chunk, not سامر alone
    assert "mB=LOC" in marks[4] and "mt=LOC|hi" in marks[4]
    assert "mt=PERS|hi" in marks[1]         # سامر: a name 2 times of 3
    assert "mt=PERS|lo" in marks[5]         # خليل alone is not a remembered chunk, a name 1 time of 2
    assert marks[0] == [] and marks[3] == []


def test_memory_round_trips_through_its_file(tmp_path):
    memory = NameMemory.build(STEMS, LABELS)
    memory.write(tmp_path / "m.tsv")
    again = NameMemory.read(tmp_path / "m.tsv")
    assert again.chunks == memory.chunks and again.tokens == memory.tokens
    sentence = ["سامر", "خليل", "حمص"]
    assert again.marks(sentence) == memory.marks(sentence)


def test_empty_memory_marks_nothing():
    assert NameMemory.build([], []).marks(["سامر"]) == [[]]
