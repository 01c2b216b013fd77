"""The Rasa server's own work per custom action call, with Rasa 3.6's code and with rasa_extensions.fast_action_calls.

Per call, in microseconds (best of 5 runs): building and encoding the request body (the real domain and a tracker of
a short conversation), and validating a typical action server response. `python bench/action_calls.py` prints them;
`make bench` includes them.
"""

from __future__ import annotations

import json
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _per_call_us(call, number: int) -> float:
    return round(min(timeit.repeat(call, number=number, repeat=5)) / number * 1e6, 1)


def measure_action_calls() -> dict:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from rasa_extensions.fast_action_calls import action_call_body, response_validator

    domain = Domain.load(str(ROOT / "bot" / "domain"))
    events = [ActionExecuted("action_listen")]
    for text, intent in [("hei", "greet"), ("jeg er sjåfør i Tyskland", "driver_issue")]:
        events += [
            UserUttered(text, intent={"name": intent, "confidence": 0.9}, metadata={"language": "nb"}),
            SlotSet("language", "nb"),
            ActionExecuted("action_listen"),
        ]
    tracker = DialogueStateTracker.from_events("bench", events, slots=domain.slots)
    action = RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:5055/webhook"))
    response = {
        "events": [
            {"event": "slot", "timestamp": None, "name": name, "value": value}
            for name, value in [("country", "DE"), ("role", "driver"), ("language", "nb"), ("requested_slot", None)]
        ],
        "responses": [
            {"text": "Sjåfør- og kontostøtte i Tyskland: +49 69 95307383", "buttons": [], "elements": [], "custom": {}}
        ],
    }
    body = action._action_call_format(tracker, domain)
    assert action_call_body(body, domain).encoded() == json.dumps(body).encode()  # the same bytes, or no numbers
    validator = response_validator()
    return {
        "action_request_bytes": len(json.dumps(body)),
        "action_body_rasa_us": _per_call_us(
            lambda: json.dumps(action._action_call_format(tracker, domain)).encode(), 50
        ),
        "action_body_fast_us": _per_call_us(
            lambda: action_call_body(action._action_call_format(tracker, domain), domain).encoded(), 50
        ),
        "action_validate_rasa_us": _per_call_us(lambda: action._validate_action_result(response), 50),
        "action_validate_fast_us": _per_call_us(lambda: validator.is_valid(response), 500),
    }


if __name__ == "__main__":
    for name, value in measure_action_calls().items():
        print(f"{name:<24}  {value}")
