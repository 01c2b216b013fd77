"""Code that runs inside the Rasa server (not the action server).

Some of it plugs in through Rasa's own configuration (the lock store in `bot/endpoints*.yml`, channels in
`bot/credentials.yml`); what Rasa 3.6 offers no setting for is installed by `install()`, which the entry point
`python -m rasa_extensions run ...` calls before handing over to Rasa's own command line.
"""

from __future__ import annotations

import importlib

# Each module named here has an `install()` that changes one behaviour of Rasa and says why in its docstring.
EXTENSIONS: tuple[str, ...] = (
    "log_redaction",
    "http_api",
    "model_source",
    "input_limits",
    "action_fallback",
    "fast_action_calls",
    "form_activation",
    "event_lookup",
    "nlu_thread",
    "graph_runner",
)


def install() -> None:
    """Installs every extension once; safe to call again."""
    for name in EXTENSIONS:
        importlib.import_module(f"rasa_extensions.{name}").install()
