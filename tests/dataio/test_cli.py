"""hamsu import / backup / restore on the command line."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from hamsu.crm.models import Contact

pytestmark = pytest.mark.django_db


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err, no_progress=True, **options)
    return out.getvalue(), err.getvalue()


def test_import_is_a_dry_run_unless_committed(write, tmp_path):
    path = write("c.csv", "last_name;email\nA;a@example.com\nB;not-mail\n")
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"columns": {"last_name": "last_name", "email": "email"}}))
    out, _err = run("contacts", str(path), mapping=str(mapping))
    assert "delimiter ';'" in out
    assert "DRY RUN: 2 rows, would create 1" in out
    assert "row 3 [email] error: Enter a valid email address." in out
    assert Contact.objects.count() == 0
    out, _err = run("contacts", str(path), mapping=str(mapping), dry_run=True, commit=True)
    assert "DRY RUN" in out
    assert "IMPORTED: 2 rows, created 1" in out
    assert Contact.objects.count() == 1


def test_encoding_option_and_a_clear_failure(write):
    path = write("fa.csv", "last_name\nعلي\n".encode("cp1256"))
    with pytest.raises(CommandError):
        run("contacts", str(path), encoding="utf-8", commit=True)
    out, _err = run("contacts", str(path), encoding="cp1256", commit=True)
    assert "created 1" in out
    assert Contact.objects.get().last_name == "علی"


def test_strict_mode_on_the_command_line(write):
    path = write("c.csv", "last_name,email\nA,a@example.com\nB,broken\n")
    with pytest.raises(CommandError):
        run("contacts", str(path), commit=True, strict=True)
    assert Contact.objects.count() == 0
