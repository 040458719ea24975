"""The stored skilling settings are read defensively: what is not a track or a target is left
out, and a document of the wrong shape reads as no settings."""

from __future__ import annotations

import pytest

from certportal.skilling.settings import Settings, dump, parse


def test_settings_read_back() -> None:
    settings = Settings(tracks={"Azure": "smb"}, targets={"infra_azure": 40.0})
    assert parse(dump(settings)) == settings


def test_unknown_values_are_left_out() -> None:
    stored = '{"tracks": {"Azure": "smb", "Data": "huge"}, "targets": {"a": 101, "b": "9", "c": 5}}'
    assert parse(stored) == Settings(tracks={"Azure": "smb"}, targets={"c": 5.0})


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "not json",
        "[]",
        '{"tracks": [["Azure", "smb"]], "targets": [["x", 5]]}',  # pairs are not a mapping
        # found by fuzzing: these crashed reading the settings (TypeError, ValueError)
        '{"tracks": [null]}',
        '{"tracks": "smb"}',
        '{"targets": "0"}',
        '{"targets": 1}',
    ],
)
def test_a_document_of_another_shape_reads_as_no_settings(stored: str) -> None:
    assert parse(stored) == Settings()
