"""akhbar/perf.py: the memo shared by the entity stage and the NER scorer."""

from akhbar.perf import Memo


def test_memo_computes_once():
    calls = []
    memo = Memo(lambda k: calls.append(k) or k * 2)
    assert list(map(memo.__getitem__, [1, 2, 1])) == [2, 4, 2] and calls == [1, 2]
