"""`akhbar train events` (interfaces/train_events.py): retraining on the dev half's tune split gives
the committed model and card again (deterministic), and the card's check figures are the eval's."""

import json
from pathlib import Path

import pytest

from akhbar.resources import resource_path
from interfaces.train_events import train_events

GSR = Path(__file__).resolve().parents[3] / "shared" / "data" / "arabic_event_gsr_dev"


@pytest.mark.slow
@pytest.mark.skipif(not GSR.is_dir(), reason="the arabic_event_gsr dev half is not here")
def test_retraining_reproduces_the_committed_model(tmp_path):
    card = train_events(GSR, tmp_path)
    committed = json.loads(resource_path("models/events_decision_card.json").read_text(encoding="utf-8"))
    assert card["training_data"]["sha256"] == committed["training_data"]["sha256"]
    assert card["scores"] == committed["scores"]
    assert (tmp_path / "events_decision.json").read_text(encoding="utf-8") == \
        resource_path("models/events_decision.json").read_text(encoding="utf-8")
