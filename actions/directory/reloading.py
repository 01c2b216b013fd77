"""The directory a running process serves, replaced only by a new file that validates completely.

Editors change `data/directory.yaml` while the bot runs. A running server must then either serve the new
directory or keep the old one, never half of one and never nothing: the new file is loaded and validated as a
whole (`load_directory`) before one reference swap puts it in place; a file that does not validate is logged
with its file, line and field, and the old directory keeps serving. A reload happens when the file changed
(looked at, on request, at most every `check_every` seconds) or when asked (the action server asks on SIGHUP).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .loader import DirectoryError, load_directory
from .model import Directory

logger = logging.getLogger(__name__)

#: How often, at most, a request looks at the file's modification time, in seconds.
CHECK_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class FileVersion:
    """What tells one version of the file from another without reading it."""

    modified_ns: int
    size: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileVersion | None:
        try:
            stat = path.stat()
        except OSError:
            return None  # being replaced (or removed): keep serving what we have
        return cls(stat.st_mtime_ns, stat.st_size, stat.st_ino)


class ReloadingDirectory:
    """Serves the last directory that validated; loads the first one at once, so a broken file stops a start."""

    def __init__(
        self,
        path: Path,
        check_every: float = CHECK_EVERY_SECONDS,
        load: Callable[[Path], Directory] = load_directory,
    ):
        self.path = path
        self.check_every = check_every
        self._load = load
        self._version = FileVersion.of(path)
        self._directory = load(path)  # raises DirectoryError: nothing valid to serve yet
        self._checked_at: float | None = None
        self._reload_requested = False

    def current(self, now: float) -> Directory:
        """The directory to serve at monotonic time `now`, reloaded first if the file changed or a reload was asked."""
        if self._reload_requested:
            self._reload_requested = False
            self.reload(now)
        elif self._checked_at is None or now - self._checked_at >= self.check_every:
            self._checked_at = now
            if FileVersion.of(self.path) not in (None, self._version):
                self.reload(now)
        return self._directory

    def request_reload(self) -> None:
        """Reload on the next request, changed or not (safe to call from a signal handler: it only sets a flag)."""
        self._reload_requested = True

    def reload(self, now: float) -> bool:
        """Loads the file; swaps it in if it validates, else logs why and keeps the old one. True if swapped."""
        self._checked_at = now
        version = FileVersion.of(self.path)
        try:
            directory = self._load(self.path)
        except DirectoryError as error:
            self._version = version  # logged once per version of the file, not on every request
            logger.error("%s\nThe directory in use is unchanged (loaded before this edit).", error)
            return False
        self._version, self._directory = version, directory
        logger.info("reloaded the support directory from %s (%d lines)", self.path, len(directory.lines))
        return True
