"""The channels Rasa serves: the always-on ones, plus each messaging channel whose settings are all in the environment.

Rasa expands `${VAR}` in credentials.yml but refuses to start when one is unset, so a channel cannot be "on when
its token is set" there. The always-on channels (REST, socket.io) stay in `bot/credentials.yml`; the optional
ones (Telegram, Slack, Facebook Messenger, Twilio) are in `bot/credentials.channels.yml`, next to it. At start,
`python -m rasa_extensions run ... --credentials bot/credentials.yml` composes one file: the base, plus every
optional section whose `${VAR}`s are all set (non-empty). A section with only some of them set is left out with a
log line naming the missing variables (names only: values are never logged). The composed file keeps the `${VAR}`
references, so Rasa reads the secrets from the environment itself and no secret is written anywhere; it is a
private temporary file (mode 0600), removed when the server exits, and Rasa is given its path instead.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import re
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

#: The optional channels' file, looked for next to the credentials file given to Rasa.
CHANNELS_FILE_NAME = "credentials.channels.yml"
#: The composed files' names: `rasa-credentials-<pid>-<random>.yml` in the temporary directory.
FILE_PREFIX = "rasa-credentials-"
_VARIABLE = re.compile(r"\$\{(\w+)\}")


@dataclass(frozen=True)
class Composition:
    """The credentials Rasa gets, and what became of each optional channel."""

    credentials: dict[str, Any]
    enabled: tuple[str, ...] = ()
    #: Channel -> the variables it still needs (it has some of its variables, not all).
    incomplete: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Channels defined in the base file already, whose optional section was ignored.
    shadowed: tuple[str, ...] = ()


def variables_in(value: Any) -> list[str]:
    """Every `${VAR}` named anywhere in a section's values, in order, once each."""
    found: list[str] = []
    if isinstance(value, Mapping):
        for item in value.values():
            found += variables_in(item)
    elif isinstance(value, list):
        for item in value:
            found += variables_in(item)
    elif isinstance(value, str):
        found += _VARIABLE.findall(value)
    return list(dict.fromkeys(found))


def compose(base: Mapping[str, Any], optional: Mapping[str, Any], environment: Mapping[str, str]) -> Composition:
    """The base credentials plus every optional section whose variables are all set in `environment`."""
    credentials = dict(base)
    enabled: list[str] = []
    incomplete: dict[str, tuple[str, ...]] = {}
    shadowed: list[str] = []
    for channel, section in optional.items():
        variables = variables_in(section)
        missing = tuple(name for name in variables if not environment.get(name))
        if len(missing) == len(variables) and variables:
            continue  # not configured at all: off, nothing to say
        if missing:
            incomplete[channel] = missing
        elif channel in credentials:
            shadowed.append(channel)
        else:
            credentials[channel] = section
            enabled.append(channel)
    return Composition(credentials, tuple(enabled), incomplete, tuple(shadowed))


def describe(composition: Composition) -> list[tuple[int, str]]:
    """The log lines (level, message) for a composition: names of channels and variables, never values."""
    lines = [
        (
            logging.WARNING,
            f"Messaging channel {_short_name(channel)} is off: {', '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not set (see README, Messaging channels).",
        )
        for channel, missing in composition.incomplete.items()
    ]
    lines += [
        (
            logging.WARNING,
            f"Messaging channel {_short_name(channel)} is already in the base credentials file; "
            f"its section in {CHANNELS_FILE_NAME} is ignored.",
        )
        for channel in composition.shadowed
    ]
    names = ", ".join(_short_name(channel) for channel in composition.enabled) or "none"
    lines.append((logging.INFO, f"Messaging channels on (their settings are in the environment): {names}."))
    return lines


def _short_name(channel: str) -> str:
    """`rasa_extensions.channels.telegram.TelegramInput` -> `telegram`; a built-in name stays as it is."""
    parts = channel.split(".")
    return parts[-2] if len(parts) > 1 else channel


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """A credentials file as a mapping; `${VAR}` stays as written (PyYAML, unlike Rasa's loader, expands nothing)."""
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise ValueError(f"{path}: expected a mapping of channel names to their settings")
    return content


def write_private_yaml(credentials: Mapping[str, Any]) -> Path:
    """Writes the composed credentials to a new private temporary file (0600), removed at exit; its name carries
    this process's id, so that a later start can remove the file of a server that was killed (SIGKILL skips exit
    handlers)."""
    remove_stale_files(Path(tempfile.gettempdir()))
    descriptor, name = tempfile.mkstemp(prefix=f"{FILE_PREFIX}{os.getpid()}-", suffix=".yml")
    path = Path(name)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("# Composed by rasa_extensions.credentials at start; removed when the server exits.\n")
        # `${VAR}` is written plain (unquoted): Rasa's loader expands plain scalars only.
        yaml.safe_dump(dict(credentials), file, sort_keys=False, allow_unicode=True)
    atexit.register(_remove, path)
    return path


def remove_stale_files(directory: Path) -> None:
    """Removes composed files left by servers that no longer run."""
    for path in directory.glob(f"{FILE_PREFIX}*-*.yml"):
        pid = path.name.removeprefix(FILE_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not _is_running(int(pid)):
            _remove(path)


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def credentials_argument(argv: Sequence[str]) -> tuple[int, str] | None:
    """Where `--credentials` is in a `rasa run` command line and its value, or None."""
    if "run" not in argv[1:2]:
        return None
    for index, argument in enumerate(argv):
        if argument == "--credentials" and index + 1 < len(argv):
            return index + 1, argv[index + 1]
        if argument.startswith("--credentials="):
            return index, argument.split("=", 1)[1]
    return None


def with_composed_credentials(argv: Sequence[str], environment: Mapping[str, str]) -> list[str]:
    """The command line with `--credentials` pointing at the composed file (unchanged if there is nothing to
    compose: not `run`, no credentials file given, or no optional channels file next to it)."""
    argv = list(argv)
    found = credentials_argument(argv)
    if found is None:
        return argv
    index, value = found
    base_path = Path(value)
    channels_path = base_path.parent / CHANNELS_FILE_NAME
    if not base_path.is_file() or not channels_path.is_file():
        return argv
    composition = compose(read_yaml_mapping(base_path), read_yaml_mapping(channels_path), environment)
    for level, message in describe(composition):
        _startup_logger().log(level, message)
    composed = write_private_yaml(composition.credentials)
    argv[index] = str(composed) if argv[index] == value else f"--credentials={composed}"
    return argv


def _startup_logger() -> logging.Logger:
    """This module's logger with a handler of its own: it runs before Rasa sets up logging."""
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s  - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger
