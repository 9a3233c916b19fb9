"""Benchmark Hamsu's attribution library against ChannelAttribution on synthetic journeys.

    .venv/bin/python bench/attribution_bench.py [--journeys 1000000] [--seed 0]
        [--pg-dsn DSN | env HAMSU_TEST_PG_DSN] [--skip-reference] [--skip-sql]
        [--process-runs 3] [--skip-processes] [--skip-stages]

The data (long-form touchpoints, ~3.5 touches per journey, 10 channels whose order
matters) is generated deterministically here. Two kinds of figures:

* **whole processes** (``processes``): each command is started as its own process, as a
  user would run it — Python start, imports, file read, model, output — ours (``hamsu
  attribution FILE``) and ChannelAttribution's (a Python script reading the same path
  file with pandas), interleaved round by round so both see the same machine load;
* **stages** (``ours``, ``reference``): our pipeline stage by stage in a child process
  (so its peak RSS is measured alone), ChannelAttribution on the same unique paths in
  this process.

Figures go to stdout as JSON; docs/benchmarks/attribution.md records them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from hamsu.analytics.attribution import attribute, prepare_touches
from hamsu.analytics.attribution.io import paths_from_frame
from hamsu.analytics.attribution.paths import Paths
from hamsu.analytics.attribution.sql import aggregate_paths_sql

CHANNELS = 10
RULES = ("first_touch", "last_touch", "linear", "position_based", "time_decay", "w_shaped")

# Our whole budget as one process through the library's API: read the touchpoint file,
# aggregate it once, run every rule-based model and exact Markov of order 1 and 2.
OURS_ALL_MODELS = """
import sys
from hamsu.analytics.attribution import attribute
from hamsu.analytics.attribution.io import read_input
journeys = read_input(sys.argv[1])
for model in sys.argv[2].split(","):
    attribute(journeys, model)
for order in (1, 2):
    attribute(journeys, "markov", order=order)
"""

# ChannelAttribution's side of the same comparison, as its documentation uses it.
CA_MARKOV = """
import sys
import ChannelAttribution as ca
import pandas as pd
data = pd.read_csv(sys.argv[1], sep=";")
result = ca.markov_model(data, "path", "total_conversions", var_value="total_conversion_value",
    var_null="total_null", order=int(sys.argv[2]), nsim_start=float(sys.argv[3]), verbose=False, flg_pro=False)
sys.stdout.write(result.to_json(orient="records"))
"""
CA_HEURISTICS = """
import sys
import ChannelAttribution as ca
import pandas as pd
data = pd.read_csv(sys.argv[1], sep=";")
result = ca.heuristic_models(data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False)
sys.stdout.write(result.to_json(orient="records"))
"""
OURS_HEURISTICS = """
import json, sys
from hamsu.analytics.attribution import attribute
from hamsu.analytics.attribution.io import read_input
paths = read_input(sys.argv[1])
print(json.dumps([attribute(paths, m).to_dict() for m in ("first_touch", "last_touch", "linear")]))
"""


def synthetic_touches(journeys: int, seed: int) -> pl.DataFrame:
    """Journeys whose channels follow a random first-order chain and convert more with some.

    Rows come shuffled so the aggregation has to do its real sort.
    """
    rng = np.random.default_rng(seed)
    lengths = rng.geometric(1 / 3.5, journeys).clip(1, 40)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    total = int(offsets[-1])
    owner = np.repeat(np.arange(journeys), lengths)
    transition = rng.dirichlet(np.full(CHANNELS, 0.7), CHANNELS)
    channel = np.empty(total, dtype=np.int64)
    channel[offsets[:-1]] = rng.choice(CHANNELS, journeys, p=rng.dirichlet(np.full(CHANNELS, 2.0)))
    uniform = rng.random(total)
    cumulative = transition.cumsum(axis=1)
    for step in range(1, int(lengths.max())):
        at = offsets[:-1][lengths > step] + step
        channel[at] = (uniform[at, None] > cumulative[channel[at - 1]]).sum(axis=1).clip(0, CHANNELS - 1)
    lift = rng.uniform(0.02, 0.12, CHANNELS)
    converts = rng.random(journeys) < 1 - np.exp(
        -np.bincount(owner, weights=lift[channel], minlength=journeys)
    )
    last = offsets[1:] - 1
    converted = np.zeros(total, dtype=bool)
    converted[last[converts]] = True
    value = np.zeros(total)
    value[last[converts]] = np.round(rng.lognormal(7, 1, int(converts.sum())), 2)
    lead_at = offsets[:-1] + (rng.random(journeys) * lengths).astype(np.int64)
    opp_at = lead_at + (rng.random(journeys) * (offsets[1:] - lead_at)).astype(np.int64)
    lead = np.zeros(total, dtype=bool)
    lead[lead_at[converts | (rng.random(journeys) < 0.3)]] = True
    opportunity = np.zeros(total, dtype=bool)
    opportunity[opp_at[converts]] = True
    gaps = rng.exponential(3 * 86_400, total).astype(np.int64) * 1_000_000
    gaps[offsets[:-1]] = rng.integers(1_700_000_000, 1_730_000_000, journeys) * 1_000_000
    ts = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[offsets[:-1]] - gaps[offsets[:-1]], lengths)
    order = rng.permutation(total)
    names = np.array([f"ch_{i:02d}" for i in range(CHANNELS)])
    return pl.DataFrame(
        {
            "journey_id": owner[order],
            "ts": pl.Series(ts[order]).cast(pl.Datetime("us")),
            "channel": names[channel[order]],
            "converted": converted[order],
            "conversion_value": value[order],
            "lead_created": lead[order],
            "opportunity_created": opportunity[order],
        }
    )


def timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    """Run ``fn`` once; wall and CPU seconds (CPU counts all threads of this process)."""
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, {"wall": time.perf_counter() - w0, "cpu": time.process_time() - c0}


def pipeline(touches: pl.DataFrame) -> tuple[dict[str, float], dict[str, float], dict[int, Any], Any]:
    """One pass of our pipeline; wall and CPU seconds per stage.

    CPU time is reported next to wall time because the machine may be shared: it
    shows our own cost even when other processes slow the wall clock down.
    """
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def stage(name: str, fn: Callable[[], Any]) -> Any:
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        wall[name], cpu[name] = time.perf_counter() - w0, time.process_time() - c0
        return out

    prepared = stage("prepare_touches", lambda: prepare_touches(touches))
    journeys = stage("journeys", prepared.journeys)
    paths = stage("unique_paths", lambda: journeys.paths)
    for model in RULES:
        stage(model, lambda m=model: attribute(journeys, m))
    results = {o: stage(f"markov_{o}", lambda o=o: attribute(paths, "markov", order=o)) for o in (1, 2, 3)}
    stage("shapley", lambda: attribute(paths, "shapley"))
    return wall, cpu, results, paths


def measure_ours(parquet: Path, repeats: int) -> dict[str, Any]:
    """Our full pipeline on touchpoints already in memory; runs in a fresh child process.

    Each stage's best of ``repeats`` runs is reported (the usual way to filter out
    interference from other processes), and the first, cold run separately.
    """
    touches = pl.read_parquet(parquet)
    runs = [pipeline(touches)]
    # ru_maxrss only grows; read it after the first run so it is one run's peak,
    # not the allocator's high-water mark after several.
    peak_first_run = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    runs += [pipeline(touches) for _ in range(repeats - 1)]
    in_budget = ["prepare_touches", "journeys", "unique_paths", *RULES, "markov_1", "markov_2"]
    best_wall = {k: min(r[0][k] for r in runs) for k in runs[0][0]}
    best_cpu = {k: min(r[1][k] for r in runs) for k in runs[0][1]}
    _, _, results, paths = runs[0]
    return {
        "wall_seconds_best": best_wall,
        "cpu_seconds_best": best_cpu,
        "budget_total_wall_best_stages": sum(best_wall[k] for k in in_budget),
        "budget_total_wall_per_run": [sum(r[0][k] for k in in_budget) for r in runs],
        "budget_total_cpu_best_stages": sum(best_cpu[k] for k in in_budget),
        "peak_rss_mb_first_run": peak_first_run,
        "peak_rss_mb_all_runs": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "touch_rows": touches.height,
        "unique_paths": paths.n_paths,
        "markov_states": {o: r.details["states"] for o, r in results.items()},
        "markov": {o: r.to_dict() for o, r in results.items()},
    }


def ca_frame(paths: Paths) -> Any:
    """The unique paths in ChannelAttribution's input format (a pandas frame)."""
    frame = paths.to_frame().with_columns(pl.col("path").list.join(" > "))
    return frame.rename(
        {"conversions": "total_conversions", "value": "total_conversion_value", "nulls": "total_null"}
    ).to_pandas()


def measure_reference(paths: Paths, exact: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """ChannelAttribution on the same unique paths; Markov error measured against ours."""
    with contextlib.redirect_stdout(sys.stderr):  # it prints a banner when imported
        import ChannelAttribution as ca

    data = ca_frame(paths)
    figures: dict[str, Any] = {}
    _, figures["heuristic_models"] = timed(
        lambda: ca.heuristic_models(
            data, "path", "total_conversions", var_value="total_conversion_value", flg_pro=False
        )
    )
    pl_data = pl.from_pandas(data)
    ours_paths, figures["ours_parse_ca_format"] = timed(lambda: paths_from_frame(pl_data))
    _, figures["ours_first_last_linear_on_paths"] = timed(
        lambda: [attribute(ours_paths, m) for m in ("first_touch", "last_touch", "linear")]
    )
    for order in (1, 2):
        for label, nsim in (("default", 1e5), ("1e7", 1e7)):
            result, seconds = timed(
                lambda o=order, n=nsim: ca.markov_model(
                    data,
                    "path",
                    "total_conversions",
                    var_value="total_conversion_value",
                    var_null="total_null",
                    order=o,
                    nsim_start=n,
                    verbose=False,
                    flg_pro=False,
                )
            )
            ref = dict(zip(result["channel_name"], result["total_conversions"], strict=True))
            ours = exact[order]["channels"]
            error = max(abs(ref[c] - v["conversions"]) / v["conversions"] for c, v in ours.items())
            figures[f"markov_{order}_nsim_{label}"] = {**seconds, "max_relative_error": error}
    return figures


def measure_sql(touches: pl.DataFrame, pg_dsn: str | None) -> dict[str, Any]:
    """The in-database path aggregation: SQLite file, and PostgreSQL when a DSN is given."""
    figures: dict[str, Any] = {}
    columns = ["journey_id", "ts", "channel", "converted", "conversion_value"]
    rows = touches.select(columns).with_columns(pl.col("ts").dt.strftime("%Y-%m-%d %H:%M:%S"))
    with tempfile.TemporaryDirectory() as tmp:
        connection = sqlite3.connect(Path(tmp) / "bench.sqlite3")
        connection.execute(
            "CREATE TABLE touches (journey_id INTEGER, ts TEXT, channel TEXT, converted INTEGER, "
            "conversion_value REAL)"
        )
        connection.executemany("INSERT INTO touches VALUES (?, ?, ?, ?, ?)", rows.iter_rows())
        connection.commit()
        paths, figures["sqlite_seconds"] = timed(lambda: aggregate_paths_sql(connection, "touches"))
        figures["sqlite_unique_paths"] = paths.n_paths
        connection.close()
    if pg_dsn:
        import psycopg

        with psycopg.connect(pg_dsn) as connection:
            connection.execute("DROP TABLE IF EXISTS hamsu_bench_touches")
            connection.execute(
                "CREATE TABLE hamsu_bench_touches (journey_id BIGINT, ts TIMESTAMP, channel TEXT, "
                "converted BOOLEAN, conversion_value DOUBLE PRECISION)"
            )
            with connection.cursor() as cursor, cursor.copy("COPY hamsu_bench_touches FROM STDIN") as copy:
                for row in touches.select(columns).iter_rows():
                    copy.write_row(row)
            connection.execute("ANALYZE hamsu_bench_touches")
            paths, figures["postgresql_seconds"] = timed(
                lambda: aggregate_paths_sql(connection, "hamsu_bench_touches")
            )
            figures["postgresql_unique_paths"] = paths.n_paths
            connection.execute("DROP TABLE hamsu_bench_touches")
    return figures


def diagnostic_csv(respondents: int, seed: int) -> str:
    """A survey round for ``hamsu diagnostic score`` (its start-up is measured too)."""
    rng = np.random.default_rng(seed)
    header = "respondent,function," + ",".join(f"s{i}" for i in range(1, 21))
    functions = rng.choice(["sales", "marketing", "service"], respondents, p=[0.45, 0.45, 0.1])
    ratings = rng.integers(1, 6, (respondents, 20))
    rows = [
        f"r{i},{f}," + ",".join(map(str, r)) for i, (f, r) in enumerate(zip(functions, ratings, strict=True))
    ]
    return "\n".join([header, *rows]) + "\n"


def run_process(command: list[str], env: dict[str, str]) -> tuple[dict[str, float], str]:
    """Start ``command``, wait for it; its wall seconds, CPU seconds (all threads) and stdout."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"{command} exited with {os.waitstatus_to_exitcode(status)}")
        out.seek(0)
        return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime}, out.read().decode()


def measure_processes(
    touches: pl.DataFrame, paths: Paths, runs: int, reference: bool, seed: int
) -> dict[str, Any]:
    """Whole commands as separate processes, ours and ChannelAttribution's, in the same rounds.

    Every command runs once untimed first (bytecode compiled and cached, files in the
    page cache), then ``runs`` timed rounds interleave all commands so that a change in
    machine load hits both sides alike. ``PYTHONDONTWRITEBYTECODE`` is dropped from the
    children's environment: with it, every start would recompile every module, which
    is not how Python runs by default.
    """
    hamsu = Path(sys.executable).with_name("hamsu")
    ours = [str(hamsu)] if hamsu.exists() else [sys.executable, "-m", "hamsu.cli"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        touch_file, path_file, survey = (
            Path(tmp, "touches.parquet"),
            Path(tmp, "paths.csv"),
            Path(tmp, "d.csv"),
        )
        touches.write_parquet(touch_file)
        ca_frame(paths).to_csv(path_file, sep=";", index=False)
        survey.write_text(diagnostic_csv(200, seed), encoding="utf-8")
        commands: dict[str, tuple[list[str], list[str] | None]] = {
            "hamsu --help": ([*ours, "--help"], None),
            "hamsu diagnostic score (200 respondents)": ([*ours, "diagnostic", "score", str(survey)], None),
            "ours: markov order 1, path file": (
                [*ours, "attribution", str(path_file), "--model", "markov"],
                None,
            ),
            "ours: markov order 2, path file": (
                [*ours, "attribution", str(path_file), "--model", "markov", "--order", "2"],
                None,
            ),
            "ours: markov order 1, touchpoint file": (
                [*ours, "attribution", str(touch_file), "--model", "markov"],
                None,
            ),
            "ours: touchpoints -> all rule-based models + markov 1 and 2": (
                [sys.executable, "-c", OURS_ALL_MODELS, str(touch_file), ",".join(RULES)],
                None,
            ),
            "ours: first, last, linear, path file": (
                [sys.executable, "-c", OURS_HEURISTICS, str(path_file)],
                None,
            ),
        }
        if reference:
            for order in (1, 2):
                commands[f"ChannelAttribution: markov order {order}, 1e7 simulations, path file"] = (
                    [sys.executable, "-c", CA_MARKOV, str(path_file), str(order), "1e7"],
                    [sys.executable, "-c", CA_MARKOV, str(path_file), str(order), "1e3"],
                )
            commands["ChannelAttribution: heuristic_models, path file"] = (
                [sys.executable, "-c", CA_HEURISTICS, str(path_file)],
                None,
            )
        for command, warm_up in commands.values():
            run_process(warm_up or command, env)
        timings: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
        outputs: dict[str, str] = {}
        for _ in range(runs):
            for name, (command, _) in commands.items():
                seconds, outputs[name] = run_process(command, env)
                timings[name].append(seconds)
    figures: dict[str, Any] = {}
    for name, runs_of in timings.items():
        figures[name] = {
            f"{kind}_{stat.__name__}": stat([r[kind] for r in runs_of])
            for kind in ("wall", "cpu")
            for stat in (min, statistics.median)
        }
    if reference:
        for order in (1, 2):
            ours_out = json.loads(outputs[f"ours: markov order {order}, path file"])["channels"]
            ca_name = f"ChannelAttribution: markov order {order}, 1e7 simulations, path file"
            # ChannelAttribution prints a banner when imported; its result is the last line.
            result = json.loads(outputs[ca_name].strip().splitlines()[-1])
            ref = {r["channel_name"]: r["total_conversions"] for r in result}
            figures[ca_name]["max_relative_error_vs_ours"] = max(
                abs(ref[c] - v["conversions"]) / v["conversions"] for c, v in ours_out.items()
            )
            for kind in ("wall", "cpu"):
                figures[f"ratio markov order {order}, {kind} (median)"] = (
                    figures[ca_name][f"{kind}_median"]
                    / figures[f"ours: markov order {order}, path file"][f"{kind}_median"]
                )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pg-dsn", default=os.environ.get("HAMSU_TEST_PG_DSN"))
    parser.add_argument("--skip-reference", action="store_true", help="do not run ChannelAttribution")
    parser.add_argument("--skip-sql", action="store_true", help="do not measure the SQL routes")
    parser.add_argument("--skip-stages", action="store_true", help="do not time the in-process stages")
    parser.add_argument("--skip-processes", action="store_true", help="do not time whole processes")
    parser.add_argument("--repeats", type=int, default=3, help="runs of our pipeline (best stage kept)")
    parser.add_argument("--process-runs", type=int, default=3, help="timed rounds of whole processes")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_ours(args.child, args.repeats)))
        return

    touches, generate = timed(lambda: synthetic_touches(args.journeys, args.seed))
    report: dict[str, Any] = {
        "journeys": args.journeys,
        "seed": args.seed,
        "touch_rows": touches.height,
        "generate_seconds": generate["wall"],
        "cpus": os.cpu_count(),
        "load_average_at_start": os.getloadavg(),
    }
    paths = prepare_touches(touches).journeys().paths
    report["unique_paths"] = paths.n_paths
    if not args.skip_processes:
        report["processes"] = measure_processes(
            touches, paths, args.process_runs, not args.skip_reference, args.seed
        )
        report["load_average_after_processes"] = os.getloadavg()
    if not args.skip_stages:
        with tempfile.TemporaryDirectory() as tmp:
            parquet = Path(tmp) / "touches.parquet"
            touches.write_parquet(parquet)
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(parquet), "--repeats", str(args.repeats)],
                check=True,
                capture_output=True,
                text=True,
            )
        ours = json.loads(child.stdout)
        exact = {int(k): v for k, v in ours.pop("markov").items()}
        report["ours"] = ours
        if not args.skip_reference:
            report["reference"] = measure_reference(paths, exact)
    if not args.skip_sql:
        report["sql"] = measure_sql(touches, args.pg_dsn)
    report["load_average_at_end"] = os.getloadavg()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
