"""`python -m rasa_extensions <rasa arguments>`: Rasa's own command line with the project's extensions installed.

Every Rasa server of the project (`make run`, the tests, the scale-out, the deployment files) starts this way, so
that what is tested is what runs.
"""

from __future__ import annotations

import os
import sys

from rasa_extensions.threads import compute_on_one_thread

compute_on_one_thread(os.environ)  # before anything imports numpy, TensorFlow or the encoder

from rasa_extensions import install  # noqa: E402
from rasa_extensions.credentials import with_composed_credentials  # noqa: E402


def main() -> None:
    install()
    # The messaging channels whose settings are in the environment join bot/credentials.yml's (credentials.py).
    sys.argv = with_composed_credentials(sys.argv, os.environ)
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
