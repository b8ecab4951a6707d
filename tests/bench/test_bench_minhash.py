from bench.bench_minhash import minhash_numpy, run


def test_both_engines_run_on_the_bench_corpus_and_are_timed():
    res = run(60, repeats=1)
    assert res["shingles"] > 1000 and res["signed_documents"] > 40
    assert res["rensa_min_s"] > 0 and res["numpy_min_s"] > 0 and res["speedup"] > 0


def test_reference_engine_gives_all_max_rows_only_where_there_are_no_shingles():
    import numpy as np
    sig = minhash_numpy(np.arange(1, 11, dtype=np.uint64), np.repeat(np.array([0, 2]), 5), 3, 8)
    assert (sig[1] == np.iinfo(np.uint32).max).all() and not (sig[0] == np.iinfo(np.uint32).max).any()
