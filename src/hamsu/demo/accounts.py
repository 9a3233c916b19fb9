"""The demo company's accounts and their contacts, drawn with NumPy and bulk-inserted."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import size_band_for
from hamsu.demo.world import (
    COMPANY_SUFFIX,
    COMPANY_WORDS,
    COUNTRIES,
    FIRST_NAMES,
    INDUSTRIES,
    LAST_NAMES,
    SEGMENTS,
    Result,
    Scale,
)

# The columns each row generator below yields, in its order.
ACCOUNT_COLUMNS = [
    "id",
    "name",
    "domain",
    "segment_id",
    "industry",
    "employees",
    "size_band",
    "annual_revenue",
    "country",
    "owner_id",
    "team_id",
    "parent_id",
    "external_id",
    "created_at",
    "updated_at",
]
CONTACT_COLUMNS = [
    "id",
    "account_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "country",
    "owner_id",
    "team_id",
    "external_id",
    "created_at",
    "updated_at",
]
CONTACT_TITLES = [
    "CFO",
    "CIO",
    "Head of Procurement",
    "IT Manager",
    "Operations Director",
    "CEO",
    "Marketing Manager",
]
CONTACTS_PER_ACCOUNT = 3


@dataclass
class DrawnAccounts:
    """What is drawn for each account; index i is account id i + 1."""

    segment: np.ndarray  # index into SEGMENTS and ctx["segments"]
    owner: np.ndarray  # index into ctx["reps"]
    employees: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    created_days: np.ndarray  # days before now, less 30


def _draw(n: int, rng, sellers: int) -> DrawnAccounts:
    return DrawnAccounts(
        segment=rng.integers(0, len(SEGMENTS), size=n),
        owner=rng.integers(0, sellers, size=n),
        employees=np.exp(rng.normal(5.3, 1.6, size=n)).astype(int).clip(5, 200_000),
        country=rng.integers(0, len(COUNTRIES), size=n),
        created_days=rng.integers(0, 760, size=n),
    )


def _account_rows(drawn: DrawnAccounts, ctx: dict, now: datetime.datetime) -> Iterator[tuple]:
    """Rows of ACCOUNT_COLUMNS: company names from a word and a suffix (numbered once they
    run out), an industry of the account's segment, the owner's team."""
    seg_ids = [s.pk for s in ctx["segments"]]
    rep_ids = [r.pk for r in ctx["reps"]]
    rep_team = [r.team_id for r in ctx["reps"]]
    for i in range(len(drawn.segment)):
        seg_name = SEGMENTS[drawn.segment[i]][0]
        word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
        suffix = COMPANY_SUFFIX[(i // len(COMPANY_WORDS)) % len(COMPANY_SUFFIX)]
        serial = i // (len(COMPANY_WORDS) * len(COMPANY_SUFFIX))
        industries = INDUSTRIES[seg_name]
        created = now - datetime.timedelta(days=int(drawn.created_days[i]) + 30)
        employees = int(drawn.employees[i])
        owner = drawn.owner[i]
        yield (
            i + 1,
            f"{word} {suffix}" + (f" {serial + 1}" if serial else ""),
            f"{word}{suffix}{serial or ''}".lower() + ".example",
            seg_ids[drawn.segment[i]],
            industries[i % len(industries)],
            employees,
            size_band_for(employees),
            None,
            COUNTRIES[drawn.country[i]],
            rep_ids[owner],
            rep_team[owner],
            None,
            "",
            created,
            created,
        )


def _contact_rows(drawn: DrawnAccounts, ctx: dict, now: datetime.datetime) -> Iterator[tuple]:
    """Rows of CONTACT_COLUMNS: CONTACTS_PER_ACCOUNT people at each account, owned as it is."""
    rep_ids = [r.pk for r in ctx["reps"]]
    rep_team = [r.team_id for r in ctx["reps"]]
    cid = 0
    for i in range(len(drawn.segment)):
        for k in range(CONTACTS_PER_ACCOUNT):
            cid += 1
            first = FIRST_NAMES[(i + k * 5) % len(FIRST_NAMES)]
            last = LAST_NAMES[(i * 3 + k) % len(LAST_NAMES)]
            created = now - datetime.timedelta(days=int(drawn.created_days[i]) + 20 - k)
            owner = drawn.owner[i]
            yield (
                cid,
                i + 1,
                first,
                last,
                f"{first}.{last}.{cid}@customer{i + 1}.example".lower(),
                "",
                CONTACT_TITLES[(i + k) % len(CONTACT_TITLES)],
                COUNTRIES[drawn.country[i]],
                rep_ids[owner],
                rep_team[owner],
                "",
                created,
                created,
            )


def accounts_and_contacts(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result) -> None:
    """The accounts and their contacts; later steps read each account's segment, owner and
    country from ctx."""
    drawn = _draw(spec.accounts, rng, len(ctx["reps"]))
    ctx["account_segment"] = drawn.segment
    ctx["account_owner"] = drawn.owner
    ctx["account_country"] = drawn.country
    result.rows["accounts"] = insert_rows("crm_account", ACCOUNT_COLUMNS, _account_rows(drawn, ctx, now))
    result.rows["contacts"] = insert_rows("crm_contact", CONTACT_COLUMNS, _contact_rows(drawn, ctx, now))
