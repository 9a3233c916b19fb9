"""Fixtures for data in and out: files written on the fly, uploads in a temporary media root."""

from __future__ import annotations

from pathlib import Path

import pytest

from hamsu.core import roles

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def write(tmp_path):
    """write("name.csv", text, encoding="utf-8") → path; bytes are written as they are."""

    def make(name: str, content, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding=encoding, newline="")
        return path

    return make


@pytest.fixture
def admin(make_person, teams):
    return make_person("Ada Admin", role=roles.ADMINISTRATOR, team=teams["enterprise"])
