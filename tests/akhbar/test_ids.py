"""Ids are content hashes: the same parts give the same id across versions (pinned digests)."""

import datetime as dt

from akhbar.ids import stable_id


def test_stable_id_digests_are_pinned():
    # digests of the part-by-part hashing (each part's str, then \x1f) the ids were first built with
    assert stable_id("evt", "art_1", 10, 14, "ASSAULT") == PINNED["evt"]
    assert stable_id("x") == PINNED["x"]
    assert stable_id("c", "عربي", None, 3.5, dt.date(2020, 1, 1), length=8) == PINNED["c"]


def test_stable_id_separates_parts():
    assert stable_id("p", "ab", "c") != stable_id("p", "a", "bc")
    assert stable_id("p", "a") != stable_id("p", "a", "")


PINNED = {
    "evt": "evt_cad7f7daf73516f5",
    "x": "x_cae66941d9efbd40",
    "c": "c_4d21795f",
}
