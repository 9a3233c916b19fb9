"""The demo company's accounts and their contacts, drawn with NumPy and bulk-inserted."""

from __future__ import annotations

import datetime

import numpy as np

from hamsu.core.bulk import insert_rows
from hamsu.crm.models import (
    size_band_for,
)
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


def accounts_and_contacts(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result) -> None:
    n = spec.accounts
    reps = ctx["reps"]
    segment_idx = rng.integers(0, len(SEGMENTS), size=n)
    owner_idx = rng.integers(0, len(reps), size=n)
    employees = np.exp(rng.normal(5.3, 1.6, size=n)).astype(int).clip(5, 200_000)
    country_idx = rng.integers(0, len(COUNTRIES), size=n)
    created_days = rng.integers(0, 760, size=n)
    ctx["account_segment"] = segment_idx
    ctx["account_owner"] = owner_idx
    ctx["account_country"] = country_idx
    seg_ids = [s.pk for s in ctx["segments"]]
    rep_ids = [r.pk for r in reps]
    rep_team = [r.team_id for r in reps]

    def account_rows():
        for i in range(n):
            seg_name = SEGMENTS[segment_idx[i]][0]
            word = COMPANY_WORDS[i % len(COMPANY_WORDS)]
            suffix = COMPANY_SUFFIX[(i // len(COMPANY_WORDS)) % len(COMPANY_SUFFIX)]
            serial = i // (len(COMPANY_WORDS) * len(COMPANY_SUFFIX))
            name = f"{word} {suffix}" + (f" {serial + 1}" if serial else "")
            domain = f"{word}{suffix}{serial or ''}".lower() + ".example"
            industries = INDUSTRIES[seg_name]
            created = now - datetime.timedelta(days=int(created_days[i]) + 30)
            o = owner_idx[i]
            yield (
                i + 1,
                name,
                domain,
                seg_ids[segment_idx[i]],
                industries[i % len(industries)],
                int(employees[i]),
                size_band_for(int(employees[i])),
                None,
                COUNTRIES[country_idx[i]],
                rep_ids[o],
                rep_team[o],
                None,
                "",
                created,
                created,
            )

    result.rows["accounts"] = insert_rows(
        "crm_account",
        [
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
        ],
        account_rows(),
    )
    titles = [
        "CFO",
        "CIO",
        "Head of Procurement",
        "IT Manager",
        "Operations Director",
        "CEO",
        "Marketing Manager",
    ]

    def contact_rows():
        cid = 0
        for i in range(n):
            for k in range(3):
                cid += 1
                first = FIRST_NAMES[(i + k * 5) % len(FIRST_NAMES)]
                last = LAST_NAMES[(i * 3 + k) % len(LAST_NAMES)]
                created = now - datetime.timedelta(days=int(created_days[i]) + 20 - k)
                o = owner_idx[i]
                yield (
                    cid,
                    i + 1,
                    first,
                    last,
                    f"{first}.{last}.{cid}@customer{i + 1}.example".lower(),
                    "",
                    titles[(i + k) % len(titles)],
                    COUNTRIES[country_idx[i]],
                    rep_ids[o],
                    rep_team[o],
                    "",
                    created,
                    created,
                )

    result.rows["contacts"] = insert_rows(
        "crm_contact",
        [
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
        ],
        contact_rows(),
    )
