from akhbar.gold import locate_in_source, prf, score_sets


def test_locate_with_context_picks_right_occurrence():
    source = "قال البغدادي أمس. ثم غادر البغدادي الموصل."
    article = "ثم غادر البغدادي الموصل."
    s = article.index("البغدادي")
    assert locate_in_source(article, s, s + 8, source) == (source.rindex("البغدادي"), source.rindex("البغدادي") + 8)


def test_locate_missing():
    assert locate_in_source("abc", 0, 3, "xyz") is None


def test_prf():
    assert prf(0, 0, 0)["f1"] == 0.0
    r = score_sets({1, 2, 3, 4}, {2, 3, 4, 5})
    assert (r["tp"], r["fp"], r["fn"]) == (3, 1, 1) and r["f1"] == 0.75
