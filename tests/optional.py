"""Test dependencies a developer's machine may lack: skipped there, required in CI.

The ChannelAttribution comparisons need the ``bench`` dependency group (``make install``
installs it) and the PostgreSQL attribution-SQL tests a server (``HAMSU_TEST_PG_DSN``).
A machine without them still runs ``make test``; those tests skip and say why. CI sets
``HAMSU_TEST_REQUIRE_OPTIONAL=1``, which turns each such skip into a failure, so a
broken install step cannot quietly stop these tests from running.
"""

from __future__ import annotations

import importlib
import os
from types import ModuleType
from typing import NoReturn

import pytest

REQUIRED = os.environ.get("HAMSU_TEST_REQUIRE_OPTIONAL") == "1"


def unavailable(reason: str) -> NoReturn:
    if REQUIRED:
        pytest.fail(f"{reason} (HAMSU_TEST_REQUIRE_OPTIONAL=1: this test must run here)", pytrace=False)
    pytest.skip(reason)


def channelattribution() -> ModuleType:
    try:
        return importlib.import_module("ChannelAttribution")
    except ImportError as error:
        unavailable(f"could not import 'ChannelAttribution' ({error}); `make install` installs it")


def postgresql_dsn() -> str:
    dsn = os.environ.get("HAMSU_TEST_PG_DSN")
    if not dsn:
        unavailable("set HAMSU_TEST_PG_DSN to test PostgreSQL")
    return dsn
