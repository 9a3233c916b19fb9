"""`hamsu attribution FILE --model …`: formats, input detection and error exits."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from hamsu.analytics.attribution.cli import main

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "channelattribution_paths" / "Data.csv"
)


@pytest.fixture
def touch_file(tmp_path: Path) -> Path:
    t0 = datetime(2026, 2, 1)
    frame = pl.DataFrame(
        {
            "journey_id": [1, 1, 1, 2, 2],
            "ts": [t0, t0 + timedelta(days=1), t0 + timedelta(days=2), t0, t0 + timedelta(days=40)],
            "channel": ["search", "email", "search", "display", "email"],
            "converted": [False, False, True, False, True],
            "conversion_value": [0.0, 0.0, 90.0, 0.0, 10.0],
            "campaign": ["c1", "c2", "c1", "c3", "c2"],
        }
    )
    path = tmp_path / "touches.csv"
    frame.write_csv(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_for_long_form_touches(capsys, touch_file):
    code, out, _ = run(capsys, touch_file, "--model", "linear")
    assert code == 0
    result = json.loads(out)
    assert result["model"] == "linear"
    assert result["channels"]["search"] == {"conversions": pytest.approx(2 / 3), "value": pytest.approx(60.0)}
    assert result["channels"]["display"] == {"conversions": pytest.approx(0.5), "value": pytest.approx(5.0)}


def test_csv_output_lookback_campaign_level_and_parquet(capsys, touch_file, tmp_path):
    parquet = tmp_path / "touches.parquet"
    pl.read_csv(touch_file, try_parse_dates=True).write_parquet(parquet)
    code, out, _ = run(
        capsys,
        parquet,
        "--model",
        "first_touch",
        "--format",
        "csv",
        "--key",
        "campaign",
        "--lookback-days",
        "30",
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "channel,conversions,value"
    assert {line.split(",")[0]: float(line.split(",")[1]) for line in lines[1:]} == {
        "c1": 1.0,
        "c2": 1.0,  # journey 2's display touch is 40 days old: outside the window
        "c3": 0.0,  # ...but its campaign is still listed, with nothing
    }


def test_markov_order_on_the_channelattribution_path_file(capsys):
    if not DATA.exists():
        pytest.skip("shared data set not available")
    code, out, _ = run(capsys, DATA, "--model", "markov", "--order", "2")
    assert code == 0
    result = json.loads(out)
    assert result["details"]["order"] == 2
    total = sum(c["conversions"] for c in result["channels"].values())
    assert total == pytest.approx(19_785)


def test_position_based_weights_and_time_decay_half_life(capsys, touch_file):
    code, out, _ = run(
        capsys, touch_file, "--model", "position_based", "--first-weight", "0.5", "--last-weight", "0.3"
    )
    assert code == 0
    assert json.loads(out)["channels"]["email"]["conversions"] == pytest.approx(0.2 + 0.3 / 0.8)
    code, out, _ = run(capsys, touch_file, "--model", "time_decay", "--half-life-days", "1")
    assert code == 0
    assert json.loads(out)["channels"]["search"]["conversions"] == pytest.approx((0.25 + 1) / 1.75)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "nonsense"], "invalid choice"),
        (["--model", "w_shaped"], "lead- and opportunity-creation"),
        (["--model", "linear", "--order", "2"], "--order applies to --model markov"),
        (["--model", "linear", "--key", "nope"], "missing column(s) nope"),
        (["--model", "position_based", "--first-weight", "0.9"], "end weights"),
    ],
)
def test_errors_exit_2_with_a_reason(capsys, touch_file, args, message):
    code, _, err = run(capsys, touch_file, *args)
    assert code == 2
    assert message in err


def test_unreadable_and_bad_files_exit_2(capsys, tmp_path):
    code, _, err = run(capsys, tmp_path / "missing.csv", "--model", "linear")
    assert code == 2
    assert "cannot read" in err
    bad = tmp_path / "paths.csv"
    bad.write_text("path;total_conversions\na >  > b;1\n")
    code, _, err = run(capsys, bad, "--model", "linear")
    assert code == 2
    assert "empty channel name" in err
    code, _, err = run(capsys, bad, "--model", "linear", "--lookback-days", "3")
    assert code == 2
    assert "lookback" in err
