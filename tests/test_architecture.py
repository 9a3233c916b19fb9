"""The layers of docs/architecture.md hold: the import-linter contracts in pyproject.toml
(lower layers never import higher ones, apps of one layer never import each other,
analytics imports no Django) are kept.

`make lint` and CI run the same check; it is here too so that whoever runs the suite
before landing sees a broken layer, or an ignored import that no longer exists."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_import_contracts_are_kept():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
