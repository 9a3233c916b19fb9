"""Tests of `hamsu diagnostic score FILE`, driven through main([...])."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hamsu.analytics.diagnostic import STATEMENTS
from hamsu.analytics.diagnostic.cli import main

HEADER = "respondent,function," + ",".join(STATEMENTS)


def _row(respondent: str, function: str, base: int, **overrides: int | str) -> str:
    values: list[int | str] = [base] * 20
    for key, value in overrides.items():
        values[int(key[1:]) - 1] = value
    return ",".join([respondent, function, *(str(v) for v in values)])


@pytest.fixture
def two_respondents(tmp_path: Path) -> Path:
    # sales 62, marketing 57 -> total 59.5 (Defined); gaps s1 = 4, s2 = 1
    path = tmp_path / "round.csv"
    text = "\n".join([HEADER, _row("r1", "sales", 3, s1=5), _row("r2", "marketing", 3, s1=1, s2=2)])
    path.write_bytes(("\ufeff" + text + "\n").encode("utf-8"))  # spreadsheets add a BOM
    return path


def test_it_prints_json(two_respondents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(two_respondents), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 59.5
    assert data["relationship"] == "Defined"
    assert data["by_function"] == {"sales": 62.0, "marketing": 57.0}
    assert data["gaps"]["s1"] == 4.0
    assert data["gaps"]["s2"] == 1.0
    assert data["gaps"]["s20"] == 0.0
    assert set(data) == {"total", "relationship", "by_function", "gaps"}


def test_it_adds_details_on_request(two_respondents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(two_respondents), "--format", "json", "--detail"]) == 0
    details = json.loads(capsys.readouterr().out)["details"]
    assert details["n_respondents"] == 2
    assert details["n_by_function"] == {"sales": 1, "marketing": 1}
    assert details["gap_tests"]["s1"]["large_and_meaningful"] is False


def test_it_prints_readable_text(two_respondents: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(two_respondents)]) == 0
    out = capsys.readouterr().out
    assert "Total: 59.5" in out
    assert "Relationship: Defined" in out
    assert "sales" in out
    assert "62.0" in out
    assert "Aligned" in out
    assert "s1    +4.00" in out


def test_it_exits_2_on_bad_ratings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, _row("r1", "sales", 3, s7=7)]), encoding="utf-8")
    assert main(["score", str(path)]) == 2
    err = capsys.readouterr().err
    assert "line 2, column s7: 7 is outside the 1-5 scale" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"respondent,function\nr1,sales\n", "missing column(s): s1"),
        (b"\xff\xfe\x00\x00", "not UTF-8"),
    ],
)
def test_it_exits_2_with_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    assert main(["score", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_it_exits_2_on_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_it_exits_2_on_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["score", "f.csv", "--format", "xml"]) == 2
    assert "usage: hamsu diagnostic" in capsys.readouterr().err


def test_it_warns_about_partial_respondents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "partial.csv"
    path.write_text(
        "\n".join([HEADER, _row("r1", "sales", 3), _row("r2", "marketing", 4, s3="")]), encoding="utf-8"
    )
    assert main(["score", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Total: 60.0" in out
    assert "warning: excluded 1 respondent(s) with blank statements: r2" in out
    assert "needs respondents from both sales and marketing" in out
