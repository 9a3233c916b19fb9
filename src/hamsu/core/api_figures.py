"""Every figure the API returns names its glossary entry (issue 13: every number reconciles).

A number in an API answer is either a *figure* Hamsu computes (a conversion, a forecast,
an ROI, a count of leads captured) or a value a record *stores* as it was entered or
configured (a deal's amount, a target, an SLA policy's hours). A figure means exactly
what its glossary entry says, so each figure field declares the entry:

- ``figure("closed_loop.roi")``: the field is that term; the OpenAPI document carries the
  key as ``x-glossary`` and its description ends with ``glossary: closed_loop.roi``;
- ``figure(keyed_by="glossary")``: the rows of one list are different figures (the
  metric catalogue), so each row names its term in the sibling field ``glossary``;
- ``stored()``: not a figure, a record's own value (``x-stored`` in the document).

``tests/api/test_api_figures.py`` walks every read operation's answer and fails on a
number (or an untyped object that may hide numbers) that is neither, and on a key the
glossary does not know; so a new figure cannot ship without a definition.
"""

from __future__ import annotations

from typing import Any

from ninja import Field

GLOSSARY = "x-glossary"
GLOSSARY_FIELD = "x-glossary-field"
STORED = "x-stored"


def figure(key: str = "", description: str = "", *, keyed_by: str = "", **kwargs: Any) -> Any:
    """A computed figure: ``key`` is its glossary term (or ``keyed_by`` the row's field naming it)."""
    if bool(key) == bool(keyed_by):
        raise ValueError("A figure names its glossary term, or the field of its row that does, not both")
    if key:
        note, extra = f"glossary: {key}", {GLOSSARY: key}
    else:
        note, extra = f"glossary: the term named in `{keyed_by}`", {GLOSSARY_FIELD: keyed_by}
    text = f"{description} ({note})" if description else note
    return Field(description=text, json_schema_extra=extra, **kwargs)


def stored(description: str = "", **kwargs: Any) -> Any:
    """A value the record keeps as entered or configured (not computed, so no glossary term)."""
    if description:
        kwargs["description"] = description
    return Field(json_schema_extra={STORED: True}, **kwargs)
