"""The diagnostic's input: respondents' answers, read from a CSV file or from rows.

Reading is strict and complete: every problem in a file is collected before
``DiagnosticInputError`` is raised, so its owner fixes the file in one go. What the
scoring does with the answers is in ``scoring.py``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

STATEMENTS: tuple[str, ...] = tuple(f"s{i}" for i in range(1, 21))
"""Column names of the 20 statements, in order."""

REQUIRED_COLUMNS: tuple[str, ...] = ("respondent", "function", *STATEMENTS)
SALES = "sales"
MARKETING = "marketing"


class DiagnosticInputError(ValueError):
    """Raised when a response file cannot be scored; ``problems`` lists every reason.

    All problems are collected before raising so the file owner can fix the file in
    one go instead of one error per run.
    """

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class Response:
    """One respondent's answers; ``ratings[i]`` is statement s(i+1), None when blank."""

    respondent: str
    function: str
    ratings: tuple[int | None, ...]
    line: int | None = None

    @property
    def is_complete(self) -> bool:
        """True when all 20 statements are answered."""
        return len(self.ratings) == len(STATEMENTS) and all(r is not None for r in self.ratings)

    @property
    def total(self) -> int:
        """Sum of the ratings; only defined for complete responses."""
        if not self.is_complete:
            raise ValueError(f"respondent {self.respondent!r} has blank statements; no total")
        return sum(r for r in self.ratings if r is not None)


def normalise_function(value: str) -> str:
    """Trim and lower-case a function name so 'Sales ' and 'sales' are one group."""
    return value.strip().lower()


def _parse_rating(raw: str, line: int, column: str) -> tuple[int | None, str | None]:
    """Parse one cell: blank -> None, whole number 1-5 -> int, anything else -> problem."""
    text = raw.strip()
    if text == "":
        return None, None
    try:
        value = int(text)
    except ValueError:
        return None, f"line {line}, column {column}: {raw!r} is not a whole number from 1 to 5"
    if not 1 <= value <= 5:
        return None, f"line {line}, column {column}: {value} is outside the 1-5 scale"
    return value, None


def parse_responses_csv(text: str) -> tuple[list[Response], list[str]]:
    """Parse CSV text with columns respondent,function,s1..s20 into responses.

    Returns ``(responses, warnings)``. Raises :class:`DiagnosticInputError` listing
    every problem (missing columns, bad ratings with line and column, duplicate or
    blank respondent ids, empty file). A UTF-8 byte-order mark is removed. Line
    numbers count the header as line 1, as a spreadsheet or text editor shows them.
    Extra columns are ignored with a warning, so an export with a timestamp column
    still scores.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DiagnosticInputError(["the file is empty: expected a header and at least one response"])
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise DiagnosticInputError([f"missing column(s): {', '.join(missing)}"])
    duplicated_columns = sorted({h for h in header if header.count(h) > 1 and h in REQUIRED_COLUMNS})
    if duplicated_columns:
        raise DiagnosticInputError([f"column(s) appear more than once: {', '.join(duplicated_columns)}"])
    warnings_out: list[str] = []
    extra = [h for h in header if h not in REQUIRED_COLUMNS]
    if extra:
        warnings_out.append(f"ignored column(s) not part of the instrument: {', '.join(extra)}")
    index = {name: header.index(name) for name in REQUIRED_COLUMNS}

    problems: list[str] = []
    responses: list[Response] = []
    first_line_of: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # a trailing blank line is not a response
        if len(row) != len(header):
            problems.append(f"line {line}: expected {len(header)} fields, found {len(row)}")
            continue
        respondent = row[index["respondent"]].strip()
        function = normalise_function(row[index["function"]])
        if not respondent:
            problems.append(f"line {line}, column respondent: the respondent id is blank")
        elif respondent in first_line_of:
            problems.append(
                f"line {line}, column respondent: duplicate respondent id {respondent!r} "
                f"(first seen on line {first_line_of[respondent]})"
            )
        else:
            first_line_of[respondent] = line
        if not function:
            problems.append(f"line {line}, column function: the function is blank")
        ratings: list[int | None] = []
        for column in STATEMENTS:
            value, problem = _parse_rating(row[index[column]], line, column)
            if problem:
                problems.append(problem)
            ratings.append(value)
        responses.append(Response(respondent, function, tuple(ratings), line))
    if problems:
        raise DiagnosticInputError(problems)
    if not responses:
        raise DiagnosticInputError(["the file has a header but no responses"])
    return responses, warnings_out


def split_complete(responses: Iterable[Response]) -> tuple[list[Response], list[Response]]:
    """Separate complete responses from those with blank statements (partial)."""
    complete: list[Response] = []
    partial: list[Response] = []
    for response in responses:
        (complete if response.is_complete else partial).append(response)
    return complete, partial


def responses_from_mappings(rows: Iterable[Mapping[str, object]]) -> list[Response]:
    """Build responses from dict-like rows (e.g. Django ``values()``), validating ratings.

    Lets the Django side reuse the same scoring without writing a CSV first.
    """
    problems: list[str] = []
    out: list[Response] = []
    seen: set[str] = set()
    for n, row in enumerate(rows, start=1):
        respondent = str(row["respondent"])
        if respondent in seen:
            problems.append(f"row {n}: duplicate respondent id {respondent!r}")
        seen.add(respondent)
        ratings: list[int | None] = []
        for column in STATEMENTS:
            raw = row.get(column)
            value, problem = _parse_rating("" if raw is None else str(raw), n, column)
            if problem:
                problems.append(problem.replace("line", "row", 1))
            ratings.append(value)
        out.append(Response(respondent, normalise_function(str(row["function"])), tuple(ratings)))
    if problems:
        raise DiagnosticInputError(problems)
    return out
