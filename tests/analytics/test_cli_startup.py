"""The `hamsu` commands import only what the chosen command needs, and still give the same numbers.

Start-up is most of a command's time on ordinary files (SciPy's sparse solvers, PyArrow
and scipy.stats cost tenths of a second each), so each case runs the real command in a
fresh interpreter and checks which libraries it loaded. The numbers it prints are
compared with the library run in this process on the general (sparse) solver.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from hamsu.analytics.attribution import MODELS, attribute
from hamsu.analytics.attribution.io import read_input

DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "channelattribution_paths" / "Data.csv"
)
RULES = ("first_touch", "last_touch", "linear", "position_based", "time_decay", "w_shaped")

# Runs `hamsu ARGS…` in-process in a fresh interpreter, then reports what it printed and
# which top-level packages it had imported.
RUN = """
import contextlib, io, json, sys
from hamsu.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def run_hamsu(*args: object) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", RUN, *(str(a) for a in args)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def loaded(run: dict, package: str) -> bool:
    return any(m == package or m.startswith(package + ".") for m in run["modules"])


@pytest.fixture(scope="module")
def touch_file(tmp_path_factory) -> Path:
    t0 = datetime(2026, 3, 1)
    rows = []
    for journey in range(60):
        for step in range(1 + journey % 4):
            rows.append(
                {
                    "journey_id": journey,
                    "ts": t0 + timedelta(days=journey, hours=5 * step),
                    "channel": ("search", "email", "social", "display")[(journey + step) % 4],
                    "converted": step == journey % 4 and journey % 3 == 0,
                    "conversion_value": 100.0 + journey if step == journey % 4 and journey % 3 == 0 else 0.0,
                    "lead_created": step == 0,
                    "opportunity_created": step == journey % 4,
                }
            )
    path = tmp_path_factory.mktemp("touches") / "touches.parquet"
    pl.DataFrame(rows).write_parquet(path)
    return path


@pytest.fixture
def sparse_solver(monkeypatch):
    """The library as it solved every chain before: SuperLU on the sparse system (equal to rounding)."""
    import importlib

    monkeypatch.setattr(importlib.import_module("hamsu.analytics.attribution.markov"), "DENSE_MAX_STATES", 0)


def test_help_imports_no_library():
    run = run_hamsu("--help")
    assert run["code"] == 0
    assert "hamsu attribution FILE" in run["out"]
    for package in ("numpy", "polars", "scipy", "django"):
        assert not loaded(run, package), package


def test_diagnostic_score_does_not_load_scipy_stats(tmp_path):
    header = "respondent,function," + ",".join(f"s{i}" for i in range(1, 21))
    rows = [
        f"r{i},{('sales', 'marketing')[i % 2]}," + ",".join(str(1 + (i + s) % 5) for s in range(20))
        for i in range(8)
    ]
    path = tmp_path / "round.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    run = run_hamsu("diagnostic", "score", path)
    assert run["code"] == 0
    assert "95% CI" in run["out"]
    assert "p=" in run["out"]
    assert not loaded(run, "scipy.stats")
    assert not loaded(run, "django")


@pytest.mark.parametrize("order", [1, 2])
def test_markov_on_a_small_chain_needs_no_sparse_solver_and_gives_the_same_numbers(order, sparse_solver):
    if not DATA.exists():
        pytest.skip("shared data set not available")
    run = run_hamsu("attribution", DATA, "--model", "markov", "--order", order)
    assert run["code"] == 0
    assert not loaded(run, "scipy")
    assert not loaded(run, "pyarrow")
    assert not loaded(run, "pandas")
    printed = json.loads(run["out"])
    expected = attribute(read_input(DATA), "markov", order=order).to_dict()
    assert printed["details"]["states"] == expected["details"]["states"]
    for name, figures in expected["channels"].items():
        assert printed["channels"][name]["conversions"] == pytest.approx(figures["conversions"], rel=1e-9)
        assert printed["channels"][name]["value"] == pytest.approx(figures["value"], rel=1e-9)
    for name, effects in expected["details"]["removal_effects"].items():
        assert printed["details"]["removal_effects"][name] == pytest.approx(effects, rel=1e-9)


@pytest.mark.parametrize("model", [m for m in MODELS if m != "markov"])
def test_every_other_model_loads_neither_scipy_nor_pyarrow_and_gives_the_same_numbers(model, touch_file):
    run = run_hamsu("attribution", touch_file, "--model", model)
    assert run["code"] == 0
    assert not loaded(run, "scipy")
    assert not loaded(run, "pyarrow")
    expected = attribute(read_input(touch_file), model).to_dict()
    assert json.loads(run["out"]) == expected
