"""The ``hamsu`` command: a thin layer over Django management and the pure libraries.

hamsu demo [--scale small|medium|large] [--seed N] [--no-serve]
hamsu serve [--bind 127.0.0.1:8000] [--workers N]
hamsu worker
hamsu attribution FILE --model MODEL [--order K] [--format json|csv]
hamsu diagnostic score FILE [--format text|json]
hamsu token create USERNAME NAME | hamsu token revoke USERNAME ID
hamsu <any Django management command>   (migrate, createsuperuser, shell, …)
"""

from __future__ import annotations

import importlib
import os
import sys


def _django(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamsu.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hamsu", *argv])
    return 0


def _pure(module: str, argv: list[str]) -> int:
    """Commands backed by the pure analytics package run without Django at all."""
    return importlib.import_module(module).main(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "attribution":
        return _pure("hamsu.analytics.attribution.cli", rest)
    if command == "diagnostic":
        return _pure("hamsu.analytics.diagnostic.cli", rest)
    # demo, serve, worker and token are management commands (hamsu.core, .demo and .api).
    return _django([command, *rest])


if __name__ == "__main__":
    sys.exit(main())
