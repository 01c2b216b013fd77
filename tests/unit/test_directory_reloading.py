"""A running process swaps in an edited directory only once it validates completely; a broken edit keeps the old."""

from __future__ import annotations

import logging
import os

import pytest

from actions.directory import DEFAULT_PATH, Audience, DirectoryError
from actions.directory.reloading import ReloadingDirectory

TEXT = DEFAULT_PATH.read_text(encoding="utf-8")
GERMAN_DRIVER = '"+49 69 95307383"'
NEW_GERMAN_DRIVER = '"+49 69 95307384"'


def german_driver_number(directory) -> str:
    return directory.answer("DE", Audience.DRIVER).lines[0].e164


def write(path, text: str, bump: int) -> None:
    """Writes `text` with a modification time `bump` seconds later, as an editor saving again would."""
    path.write_text(text, encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + bump * 1_000_000_000))


@pytest.fixture
def served(tmp_path):
    path = tmp_path / "directory.yaml"
    path.write_text(TEXT, encoding="utf-8")
    return ReloadingDirectory(path, check_every=2.0)


def test_a_broken_file_at_start_is_refused(tmp_path):
    path = tmp_path / "directory.yaml"
    path.write_text(TEXT.replace(GERMAN_DRIVER, '"+49 69 9"'), encoding="utf-8")
    with pytest.raises(DirectoryError):
        ReloadingDirectory(path)


def test_a_valid_edit_is_served_after_the_next_check(served):
    assert german_driver_number(served.current(now=0.0)) == "+496995307383"
    write(served.path, TEXT.replace(GERMAN_DRIVER, NEW_GERMAN_DRIVER), bump=1)
    assert german_driver_number(served.current(now=1.0)) == "+496995307383"  # not looked at again yet
    assert german_driver_number(served.current(now=2.0)) == "+496995307384"


def test_a_broken_edit_is_logged_with_line_and_field_and_the_old_directory_keeps_serving(served, caplog):
    before = served.current(now=0.0)
    write(served.path, TEXT.replace(GERMAN_DRIVER, '"+49 69 9"'), bump=1)
    with caplog.at_level(logging.ERROR):
        after = served.current(now=5.0)
    assert after is before
    line = TEXT[: TEXT.index(GERMAN_DRIVER)].count("\n") + 1
    assert f"directory.yaml:{line}: lines[13].number: '+49 69 9' is not a valid number" in caplog.text
    assert "unchanged" in caplog.text


def test_a_broken_edit_is_logged_once_not_on_every_request(served, caplog):
    served.current(now=0.0)
    write(served.path, "lines: [", bump=1)
    with caplog.at_level(logging.ERROR):
        for second in range(3, 30, 3):
            served.current(now=float(second))
    assert caplog.text.count("is not valid YAML") == 1


def test_fixing_a_broken_edit_serves_the_fixed_file(served):
    served.current(now=0.0)
    write(served.path, "lines: [", bump=1)
    assert german_driver_number(served.current(now=3.0)) == "+496995307383"
    write(served.path, TEXT.replace(GERMAN_DRIVER, NEW_GERMAN_DRIVER), bump=2)
    assert german_driver_number(served.current(now=6.0)) == "+496995307384"


def test_a_file_being_replaced_keeps_the_old_directory(served):
    before = served.current(now=0.0)
    served.path.unlink()
    assert served.current(now=3.0) is before


def test_a_requested_reload_does_not_wait_for_the_next_check(served):
    served.current(now=0.0)
    served.path.write_text(TEXT.replace(GERMAN_DRIVER, NEW_GERMAN_DRIVER), encoding="utf-8")
    served.request_reload()
    assert german_driver_number(served.current(now=0.1)) == "+496995307384"


def test_an_unchanged_file_is_not_read_again(tmp_path):
    path = tmp_path / "directory.yaml"
    path.write_text(TEXT, encoding="utf-8")
    reads = []

    def load(p):
        reads.append(p)
        from actions.directory import load_directory

        return load_directory(p)

    served = ReloadingDirectory(path, check_every=2.0, load=load)
    for second in range(20):
        served.current(now=float(second))
    assert len(reads) == 1
