"""`python -m rasa_extensions <rasa arguments>`: Rasa's own command line with the project's extensions installed.

Every Rasa server of the project (`make run`, the tests, the scale-out, the deployment files) starts this way, so
that what is tested is what runs.
"""

from __future__ import annotations

from rasa_extensions import install


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
