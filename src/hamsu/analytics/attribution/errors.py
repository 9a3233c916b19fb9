"""The one error the attribution library raises for input it cannot use.

It lives alone so that catching it (the CLI does, to exit 2) imports nothing heavy.
"""

from __future__ import annotations


class AttributionInputError(ValueError):
    """Input the library cannot attribute (missing columns, bad values); the CLI exits 2 on it."""
