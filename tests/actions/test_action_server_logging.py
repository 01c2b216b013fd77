"""The action server's log: rasa-sdk's per-turn notice about slots validated elsewhere is dropped, nothing else."""

from __future__ import annotations

import logging

import pytest

from actions.__main__ import quiet_unvalidated_slots


def test_only_the_unvalidated_slot_notice_is_dropped(caplog: pytest.LogCaptureFixture) -> None:
    quiet_unvalidated_slots()
    forms = logging.getLogger("rasa_sdk.forms")
    with caplog.at_level(logging.WARNING, logger="rasa_sdk.forms"):
        forms.warning("Skipping validation for `role`: there is no validation method specified.")
        forms.warning("Something else about the form went wrong.")
    assert [record.getMessage() for record in caplog.records] == ["Something else about the form went wrong."]
