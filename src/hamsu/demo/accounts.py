"""The demo company's accounts and their contacts, drawn with NumPy and bulk-inserted;
their names come from ``hamsu.demo.naming``."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import size_band_for
from hamsu.demo.naming import CompanyNames, LeadPeople, People, Person, group_of
from hamsu.demo.world import COUNTRIES, INDUSTRIES, SEGMENTS, Result, Scale

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
CONTACTS_PER_ACCOUNT = 3


@dataclass
class Names:
    """Each account's name and web domain, and the people who are its contacts."""

    account: list[str]
    domain: list[str]
    contacts: list[list[Person]]
    people: People  # knows who is at each company already: leads add people to it


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


def _industry(drawn: DrawnAccounts, i: int) -> str:
    industries = INDUSTRIES[SEGMENTS[drawn.segment[i]][0]]
    return industries[i % len(industries)]


def _names(drawn: DrawnAccounts, rng) -> Names:
    """Names fitting each account's country and industry, and its contacts' names."""
    companies, people = CompanyNames(rng), People(rng)
    account, domain, contacts = [], [], []
    for i in range(len(drawn.segment)):
        country = COUNTRIES[drawn.country[i]]
        name, host = companies.next(country, _industry(drawn, i))
        account.append(name)
        domain.append(host)
        contacts.append([people.new(i + 1, country, host) for _k in range(CONTACTS_PER_ACCOUNT)])
    return Names(account, domain, contacts, people)


def _account_rows(drawn: DrawnAccounts, names: Names, ctx: dict, now: datetime.datetime) -> Iterator[tuple]:
    """Rows of ACCOUNT_COLUMNS: the account's name and domain, an industry of its segment,
    the owner's team."""
    seg_ids = [s.pk for s in ctx["segments"]]
    rep_ids = [r.pk for r in ctx["reps"]]
    rep_team = [r.team_id for r in ctx["reps"]]
    for i in range(len(drawn.segment)):
        created = now - datetime.timedelta(days=int(drawn.created_days[i]) + 30)
        employees = int(drawn.employees[i])
        owner = drawn.owner[i]
        yield (
            i + 1,
            names.account[i],
            names.domain[i],
            seg_ids[drawn.segment[i]],
            _industry(drawn, i),
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


def _contact_rows(drawn: DrawnAccounts, names: Names, ctx: dict, now: datetime.datetime) -> Iterator[tuple]:
    """Rows of CONTACT_COLUMNS: CONTACTS_PER_ACCOUNT people at each account, owned as it is."""
    rep_ids = [r.pk for r in ctx["reps"]]
    rep_team = [r.team_id for r in ctx["reps"]]
    cid = 0
    for i in range(len(drawn.segment)):
        for k, person in enumerate(names.contacts[i]):
            cid += 1
            created = now - datetime.timedelta(days=int(drawn.created_days[i]) + 20 - k)
            owner = drawn.owner[i]
            yield (
                cid,
                i + 1,
                person.first,
                person.last,
                person.email,
                "",
                person.title,
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
    names = _names(drawn, ctx["names_rng"])
    ctx["account_segment"] = drawn.segment
    ctx["account_owner"] = drawn.owner
    ctx["account_country"] = drawn.country
    ctx["account_name"] = names.account
    ctx["account_group"] = [group_of(COUNTRIES[c]) for c in drawn.country.tolist()]
    result.rows["accounts"] = insert_rows(
        "crm_account", ACCOUNT_COLUMNS, _account_rows(drawn, names, ctx, now)
    )
    result.rows["contacts"] = insert_rows(
        "crm_contact", CONTACT_COLUMNS, _contact_rows(drawn, names, ctx, now)
    )
    # Contact ids follow the accounts' order, CONTACTS_PER_ACCOUNT each (_contact_rows).
    ctx["contact_people"] = {
        i + 1: [(i * CONTACTS_PER_ACCOUNT + k + 1, p) for k, p in enumerate(people)]
        for i, people in enumerate(names.contacts)
    }
    # Who each lead is (the funnel's demo asks, lead by lead).
    ctx["lead_person"] = LeadPeople(
        names.people,
        ctx["contact_people"],
        {i + 1: (COUNTRIES[c], names.domain[i]) for i, c in enumerate(drawn.country.tolist())},
    )
