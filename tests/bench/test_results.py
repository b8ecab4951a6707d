"""bench.results: the shared rate row of the token benchmarks."""

from bench.results import token_rates, verdict


def test_token_rates_names_the_stage_and_divides_by_the_same_run_baseline():
    row = token_rates("tagging", 10_000, 0.5, 0.1, 50_000)
    assert row == {"tagging_tokens_per_s": 20_000, "baseline_tokens_per_s": 100_000,
                   "target_tokens_per_s": 50_000, "ratio_to_baseline": 0.2}
    assert verdict(row["tagging_tokens_per_s"], 50_000) == "BELOW"
    assert verdict(60_000, 50_000) == "meets"
