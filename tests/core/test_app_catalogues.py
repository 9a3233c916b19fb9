"""Every string an app marks for translation is in that app's own Persian catalogue.

Django merges every catalogue, so a string kept in another app's catalogue is translated
only while that other app keeps it, and ``test_the_persian_catalogue_is_complete`` only
sees strings a catalogue already holds: a string missing from its app's catalogue is
shown in English on a Persian page without any test noticing. Here each app's code and
templates are read the way ``makemessages`` reads them (xgettext, on a copy, so no
catalogue is rewritten) and every msgid found must be in ``<app>/locale/fa``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import hamsu

ROOT = Path(hamsu.__file__).parent
APPS = sorted(p.parents[3].name for p in ROOT.glob("*/locale/fa/LC_MESSAGES/django.po"))


def _msgids(po: Path) -> set[str]:
    ids = set()
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if match:
            ids.add("".join(json.loads(part) for part in re.findall(r'^(".*")$', match.group(1), re.M)))
    return ids - {""}


def _marked(app: str, scratch: Path) -> set[str]:
    copy = scratch / app
    shutil.copytree(ROOT / app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "migrations"))
    (copy / "locale").mkdir()
    admin = Path(sys.executable).parent / "django-admin"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hamsu.settings"}
    subprocess.run(
        [str(admin), "makemessages", "-l", "fa", "--no-location", "--no-wrap", "-v0"],
        cwd=copy,
        env=env,
        check=True,
    )
    return _msgids(copy / "locale" / "fa" / "LC_MESSAGES" / "django.po")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
@pytest.mark.parametrize("app", APPS)
def test_every_string_an_app_marks_is_in_its_own_catalogue(app, tmp_path):
    missing = _marked(app, tmp_path) - _msgids(ROOT / app / "locale" / "fa" / "LC_MESSAGES" / "django.po")
    assert sorted(missing) == []
