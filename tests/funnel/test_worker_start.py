"""The capture worker's first chunk does not wait for scikit-learn (issue 17).

Scoring a capture needs only the rule points; the predictive model (scikit-learn, seconds
to import) loads when a company has trained one. Measured in a fresh interpreter, since
this test process has long since imported everything."""

from __future__ import annotations

import functools
import json
import subprocess
import sys

SCORE_ONE_LEAD = """
import json, os, sys
from datetime import datetime, timezone
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
import django
django.setup()
import hamsu.funnel.services.capture_process  # the worker
import hamsu.funnel.services.mql_batch
from hamsu.analytics import lead_scoring
from hamsu.funnel.services.scoring import DEFAULT_POINTS
spec = lead_scoring.PointsSpec.from_dict(DEFAULT_POINTS)
touch = lead_scoring.Touch("email_click", datetime(2026, 12, 1, tzinfo=timezone.utc))
result = lead_scoring.score_lead(spec, {"segment": "Enterprise"}, [touch], as_of=datetime.now(timezone.utc))
print(json.dumps({"total": result.total, "loaded": sorted(m for m in ("sklearn", "polars", "scipy") if m in sys.modules)}))
"""


@functools.cache
def run_fresh() -> dict:
    out = subprocess.run([sys.executable, "-c", SCORE_ONE_LEAD], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_scoring_a_capture_loads_neither_scikit_learn_nor_polars():
    assert run_fresh()["loaded"] == []


def test_the_rule_points_are_still_computed():
    assert run_fresh()["total"] > 0
