"""Word clusters: words used in the same contexts share a cluster; deterministic; the file round-trips.
Synthetic sentences built for this test."""

from tasks.entities.ner.clusters import (build_cluster_levels, build_clusters, read_clusters, read_unlabeled,
                                         write_clusters)

PEOPLE = ["سامر", "ليلى", "منى", "جون", "خالد", "رامي"]
PLACES = ["حمص", "صيدا", "طنطا", "لندن", "حلب", "جدة"]
FILLER = [f"كلمة{i}" for i in range(40)]


def corpus():
    out = []
    for i in range(240):
        p, q, f = PEOPLE[i % 6], PLACES[(i * 5) % 6], FILLER[i % 40]
        out.append(["وقال", p, "انه", f, "في", "مدينة", q, "امس"])
        out.append([f, "زار", p, "مدينة", q, "اليوم"])
    return out


def test_names_and_places_fall_in_their_own_clusters():
    clusters = build_clusters(corpus(), k=8)
    people = {clusters[w] for w in PEOPLE}
    places = {clusters[w] for w in PLACES}
    assert len(people) == 1 and len(places) == 1 and people != places
    assert build_clusters(corpus(), k=8) == clusters      # deterministic


def test_too_little_text_gives_no_clusters():
    assert build_clusters([["a", "b"]] * 3, k=8) == {}


def test_clusters_file_and_unlabeled_csv(tmp_path):
    write_clusters({"حمص": 3, "سامر": 1}, tmp_path / "c.tsv")
    assert read_clusters(tmp_path / "c.tsv") == {"حمص": (3,), "سامر": (1,)}
    write_clusters({"حمص": (3, 0, 9), "سامر": (1, 1, 2)}, tmp_path / "c3.tsv")     # several granularities
    assert read_clusters(tmp_path / "c3.tsv") == {"حمص": (3, 0, 9), "سامر": (1, 1, 2)}
    (tmp_path / "t.csv").write_text("id,text\n1,وقال سامر إن حمص هادئة.\n", encoding="utf-8")
    assert read_unlabeled(tmp_path / "t.csv") == [["وقال", "سامر", "إن", "حمص", "هادئة", "."]]


def test_cluster_levels_cluster_the_same_vectors_at_each_granularity():
    # synthetic corpus above: the first column is build_clusters' clustering, the others coarser / finer
    levels = build_cluster_levels(corpus(), (8, 2, 16))
    assert {w: c[0] for w, c in levels.items()} == build_clusters(corpus(), k=8)
    assert all(len(c) == 3 and c[1] < 2 and c[2] < 16 for c in levels.values())
    assert len({levels[w][1] for w in PEOPLE}) == 1                      # coarse: the people together
    assert {levels[w][2] for w in PEOPLE}.isdisjoint({levels[w][2] for w in PLACES})   # fine: never mixed
    assert build_cluster_levels(corpus(), (8, 2, 16)) == levels          # deterministic
    assert build_cluster_levels([["a", "b"]] * 3, (2, 8)) == {}
