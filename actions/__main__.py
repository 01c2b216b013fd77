"""The action server: `python -m actions [rasa-sdk options]`.

Loads and checks everything the actions need before it listens, so a broken `data/directory.yaml` stops it at
once with a message naming the line and the field (and no traceback), and the first person to write does not
wait for the place names and language models to load.

While it runs, an edited directory is served once it validates completely: a request looks at the file's
modification time at most every 2 s, and after SIGHUP (`kill -HUP <pid>`) the next request reloads it whatever
the time says. A broken edit is logged with the line and the field, and the old directory keeps serving
(actions/directory/reloading.py).
"""

import logging
import signal
import sys
import time

from rasa_extensions.action_call_decoding import install as decode_each_domain_once
from rasa_extensions.log_redaction import install as redact_personal_data_in_logs

from .countries import default_resolver
from .directory import DirectoryError, default_directory, served_directory
from .language import warm_up as load_language_models
from .roles import default_role_resolver

logger = logging.getLogger("actions")


def warm_up() -> None:
    default_directory()
    default_resolver()
    default_role_resolver()
    load_language_models()


def reload_on_hangup() -> None:
    """SIGHUP (the usual "reread your configuration") reloads the directory on the next request."""
    signal.signal(signal.SIGHUP, lambda _signal, _frame: served_directory().request_reload())


def quiet_unvalidated_slots() -> None:
    """rasa-sdk warns at every turn of the form that `country` and `role` have no `validate_<slot>` method: by
    design, they are resolved and checked before the form sees them (ActionResolveSlots), so the warning is two
    lines of noise per message (4,000 in a load benchmark) that would bury real ones."""
    logging.getLogger("rasa_sdk.forms").addFilter(
        lambda record: not record.getMessage().startswith("Skipping validation for")
    )


def main() -> None:
    redact_personal_data_in_logs()
    quiet_unvalidated_slots()
    decode_each_domain_once()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s - %(message)s")
    started = time.perf_counter()
    try:
        warm_up()
    except DirectoryError as error:
        print(f"The action server cannot start: {error}", file=sys.stderr)
        sys.exit(2)
    logger.info("directory, place names and language models loaded in %.1f s", time.perf_counter() - started)
    reload_on_hangup()
    from rasa_sdk.__main__ import main as run_action_server

    run_action_server()


if __name__ == "__main__":
    main()
