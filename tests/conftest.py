import atexit
import os
import shutil
import tempfile
from pathlib import Path

# Prefect reads settings at import: keep test state out of the user's folders. A state folder
# made here is removed when the interpreter exits: after the session's Prefect harness and
# Prefect's own exit handlers (registered later, so run earlier) are done writing to it.
if "AKHBAR_STATE" not in os.environ:
    os.environ["AKHBAR_STATE"] = tempfile.mkdtemp(prefix="akhbar-test-state-")
    atexit.register(shutil.rmtree, os.environ["AKHBAR_STATE"], ignore_errors=True)
from flows.settings import configure_environment  # noqa: E402

configure_environment()

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (temporary API + database) for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def mentions():
    """Entity mentions of one text as one article (tasks.entities.extract_mentions), offsets checked."""
    from akhbar.text.sentences import split_sentences
    from tasks.entities import extract_mentions

    def article_mentions(text: str, **kw) -> list[dict]:
        sents = [(i, a, b) for i, (a, b) in enumerate(split_sentences(text))]
        out = extract_mentions("a1", text, sents, "r", **kw)
        for m in out:
            assert text[m["start"]:m["end"]] == m["surface"]
        return out

    return article_mentions
