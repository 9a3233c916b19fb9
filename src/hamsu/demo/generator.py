"""The synthetic demo company: a B2B firm with two years of sales and marketing history.

Deterministic for a given seed and scale. Small scales go through the ORM for the
reference data; the high-volume tables (opportunities, stage events, participants,
activities) are simulated with NumPy in vectorised steps and written with bulk inserts,
so the large scale (1,000,000 opportunities) is usable for benchmarks.

How deals behave (so funnels, win rates and cycle times look real):
- creation dates follow a monthly seasonality (quiet August and late December, busy
  March and autumn) on a slowly growing trend;
- each open stage has its own advance probability and a log-normal time in stage; a
  deal either advances, is lost, or is still open today;
- about one deal in eight slips back a stage once before moving on (a real pattern that
  stage-velocity metrics must cope with);
- win rates depend on segment, source (marketing-sourced deals qualify better) and the
  seller; amounts follow the product's list price, quantity and a discount.
"""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from hamsu.core.bulk import insert_rows, reset_sequences
from hamsu.core.models import CompanySettings, CurrencyRate
from hamsu.core.roles import (
    ADMINISTRATOR,
    DOWNSTREAM_MARKETER,
    HEAD_OF_MARKETING,
    HEAD_OF_SALES,
    LIAISON,
    REVENUE_LEADER,
    SALES_MANAGER,
    SALES_REP,
    UPSTREAM_MARKETER,
)
from hamsu.crm.models import (
    Account,
    Activity,
    ActivityParticipant,
    Contact,
    Opportunity,
    OpportunityParticipant,
    Product,
    Segment,
    StageEvent,
    size_band_for,
)
from hamsu.crm.stages import DEFAULT_PROBABILITY, OPEN_STAGES, Stage
from hamsu.directory.models import ExpertiseTag, Function, Person, RoleTitle, Team

DEMO_PASSWORD = "hamsu-demo"
# The logins the generator creates, printed by `hamsu demo` (username, role).
DEMO_LOGINS = [
    ("cro", "Revenue leader"),
    ("head.sales", "Head of sales"),
    ("head.marketing", "Head of marketing"),
    ("manager", "Sales manager"),
    ("rep", "Sales rep"),
    ("upstream", "Upstream marketer"),
    ("downstream", "Downstream marketer"),
    ("liaison", "Marketing liaison"),
    ("admin", "Administrator"),
]


@dataclass(frozen=True)
class Scale:
    name: str
    accounts: int
    opportunities: int
    reps_per_team: int
    activities_per_opportunity: float


SCALES = {
    "tiny": Scale("tiny", 60, 400, 3, 1.5),
    "small": Scale("small", 600, 6_000, 5, 1.5),
    "medium": Scale("medium", 8_000, 100_000, 10, 1.0),
    # Large: 1.1M deals so that, with the funnel's lead histories, the log passes 10M stage events.
    "large": Scale("large", 66_000, 1_100_000, 20, 0.5),
}

SEGMENTS = [
    ("Manufacturing", "Plants and industrial groups buying automation and ERP add-ons."),
    ("Retail", "Chains and e-commerce sellers."),
    ("Financial services", "Banks, insurers and fintechs."),
    ("Healthcare", "Hospitals, clinics and labs."),
    ("Energy", "Oil, gas, power and utilities."),
    ("Public sector", "Ministries, municipalities and state enterprises."),
]
# name, code, list price (USD), unit cost, launch date
PRODUCTS = [
    ("Hamsu Analytics Suite", "HAS", 48_000, 14_000, datetime.date(2019, 3, 1)),
    ("Field Sales Mobile", "FSM", 9_500, 2_600, datetime.date(2021, 6, 1)),
    ("Data Platform", "DP", 120_000, 52_000, datetime.date(2018, 1, 15)),
    ("Customer Portal", "CP", 22_000, 7_000, datetime.date(2023, 9, 1)),
    ("Pricing Optimiser", "PO", 65_000, 18_000, datetime.date(2024, 11, 1)),
    ("Support Plus", "SP", 6_000, 2_500, datetime.date(2020, 2, 1)),
    ("IoT Gateway", "IOT", 3_200, 1_900, datetime.date(2022, 4, 1)),
    ("Implementation Services", "IMP", 30_000, 21_000, datetime.date(2017, 5, 1)),
]
SALES_TEAMS = [("Enterprise", "North"), ("Mid-market", "Central"), ("SMB", "South"), ("Middle East", "MENA")]
COUNTRIES = ["IR", "AE", "TR", "DE", "GB", "US", "IR", "IR", "AE", "NL"]
INDUSTRIES = {
    "Manufacturing": ["automotive", "chemicals", "food processing", "textiles"],
    "Retail": ["grocery", "fashion", "electronics", "e-commerce"],
    "Financial services": ["banking", "insurance", "payments", "leasing"],
    "Healthcare": ["hospitals", "pharma", "diagnostics", "clinics"],
    "Energy": ["oil and gas", "power", "renewables", "utilities"],
    "Public sector": ["municipal", "education", "transport", "ministry"],
}
# Per open stage: probability of advancing (otherwise lost) and median days in stage.
ADVANCE = np.array([0.70, 0.72, 0.75, 0.68, 0.70, 0.82])
MEDIAN_DAYS = np.array([6.0, 9.0, 14.0, 18.0, 12.0, 10.0])
SEGMENT_WIN_FACTOR = np.array([1.00, 1.06, 0.94, 0.97, 0.90, 0.85])
MONTH_WEIGHT = np.array([0.95, 1.0, 1.15, 0.9, 1.0, 1.0, 0.9, 0.7, 1.1, 1.15, 1.2, 0.85])
LOST_REASONS = [
    "No budget",
    "Chose a competitor",
    "No decision",
    "Price too high",
    "Timing",
    "Missing feature",
]
FIRST_NAMES = [
    "Sara",
    "Ali",
    "Maryam",
    "Reza",
    "Niloofar",
    "Omid",
    "Leila",
    "Babak",
    "Anna",
    "James",
    "Elif",
    "Karim",
    "Shirin",
    "Dariush",
    "Mina",
    "Farhad",
    "Laura",
    "Hassan",
    "Yasmin",
    "Peter",
    "Zahra",
    "Kaveh",
    "Nora",
    "Arash",
]
LAST_NAMES = [
    "Ahmadi",
    "Karimi",
    "Hosseini",
    "Rahimi",
    "Moradi",
    "Jafari",
    "Schmidt",
    "Smith",
    "Yilmaz",
    "Haddad",
    "Tehrani",
    "Farahani",
    "Navabi",
    "Sadeghi",
    "Bauer",
    "Khan",
    "Rostami",
    "Mohammadi",
    "Bakker",
    "Clark",
]
COMPANY_WORDS = [
    "Pars",
    "Aria",
    "Kavir",
    "Alborz",
    "Sepahan",
    "Delta",
    "Nova",
    "Zagros",
    "Apex",
    "Caspian",
    "Orion",
    "Karun",
    "Atlas",
    "Helix",
    "Simorgh",
    "Tabriz",
    "Vertex",
    "Persepolis",
    "Summit",
    "Lotus",
]
COMPANY_SUFFIX = [
    "Industries",
    "Group",
    "Holding",
    "Systems",
    "Trading",
    "Foods",
    "Energy",
    "Bank",
    "Clinic",
    "Retail",
    "Logistics",
    "Steel",
    "Pharma",
    "Tech",
    "Insurance",
]


@dataclass
class Result:
    scale: str
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def demo_exists() -> bool:
    return Opportunity.objects.exists()


def generate(
    *,
    scale: str = "small",
    seed: int = 42,
    now: datetime.datetime | None = None,
    progress=print,
    extensions: list[str] | None = None,
) -> Result:
    """Create the demo company. Refuses to run on a database that already has deals.

    ``extensions`` limits which apps add their own data (default: all of EXTENSION_APPS);
    benchmarks of one area use it to skip the others' slower steps.
    """
    if demo_exists():
        raise RuntimeError("The database already has opportunities; the demo company is generated only once.")
    spec = SCALES[scale]
    rng = np.random.default_rng(seed)
    now = now or timezone.now().replace(microsecond=0)
    result = Result(scale=scale)
    started = time.perf_counter()
    with transaction.atomic():
        ctx = _reference_data(spec, rng, result)
        progress(f"reference data: {result.total_rows} rows")
        _accounts_and_contacts(spec, rng, ctx, now, result)
        progress(f"accounts: {result.rows['accounts']:,}, contacts: {result.rows['contacts']:,}")
        _opportunities(spec, rng, ctx, now, result, progress)
        _app_extensions(
            spec, rng, ctx, now, result, progress, EXTENSION_APPS if extensions is None else extensions
        )
        reset_sequences(
            Account, Contact, Opportunity, StageEvent, OpportunityParticipant, Activity, ActivityParticipant
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    result.seconds = time.perf_counter() - started
    return result


# Apps that add their own demo data (leads, campaigns, targets, meetings, …) provide
# ``hamsu.<app>.demo.generate(spec=, rng=, ctx=, now=, result=, progress=)``; they run in
# this order, after the CRM history exists, inside the same transaction.
EXTENSION_APPS = ["campaigns", "funnel", "scorecard", "collaboration", "alignment"]


def _app_extensions(
    spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result, progress, chosen: list[str]
) -> None:
    import importlib
    import importlib.util

    unknown = set(chosen) - set(EXTENSION_APPS)
    if unknown:
        raise ValueError(f"Unknown demo extensions: {', '.join(sorted(unknown))}")
    for app in (app for app in EXTENSION_APPS if app in chosen):
        name = f"hamsu.{app}.demo"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).generate(
                spec=spec, rng=rng, ctx=ctx, now=now, result=result, progress=progress
            )


# ---------------------------------------------------------------- reference data


def _reference_data(spec: Scale, rng, result: Result) -> dict:
    settings_row = CompanySettings.objects.order_by("pk").first() or CompanySettings()
    settings_row.name = "Arya Systems"
    settings_row.base_currency = "USD"
    # The model's default (2M) suits a large enterprise; the demo's deals top out near 1M, so
    # with it no deal would ever be "big" and the meeting agenda's first section would be empty.
    # At 250k about one open deal in forty needs marketing at the table.
    settings_row.big_deal_threshold = Decimal("250000")
    settings_row.save()
    for code, rate in (
        ("EUR", "1.08"),
        ("IRR", "0.0000238"),
        ("AED", "0.2723"),
        ("TRY", "0.029"),
        ("GBP", "1.27"),
    ):
        CurrencyRate.objects.update_or_create(currency=code, defaults={"rate_to_base": Decimal(rate)})

    segments = [
        Segment.objects.create(name=n, description=d, discovered_on=datetime.date(2018 + i % 6, 1 + i, 1))
        for i, (n, d) in enumerate(SEGMENTS)
    ]
    products = [
        Product.objects.create(
            name=n, code=c, list_price=Decimal(p), unit_cost=Decimal(u), currency="USD", launched_on=d
        )
        for n, c, p, u, d in PRODUCTS
    ]
    tags = {
        name: ExpertiseTag.objects.create(name=name)
        for name in [
            "pricing",
            "negotiation",
            "competitive intelligence",
            "market research",
            "product roadmap",
            "case studies",
            "events",
            "digital campaigns",
            "SEO",
            "public tenders",
            "Persian market",
            "Gulf market",
            "data platforms",
        ]
    }
    User = get_user_model()
    from django.contrib.auth.models import Group

    groups = {g.name: g for g in Group.objects.all()}

    def person(
        name,
        email,
        function,
        role,
        team=None,
        manager=None,
        login=None,
        roles=(),
        expertise=(),
        languages=("en", "fa"),
    ):
        user = None
        if login:
            user = User.objects.create_user(
                username=login,
                email=email,
                password=DEMO_PASSWORD,
                first_name=name.split()[0],
                last_name=name.split()[-1],
            )
            user.groups.set([groups[r] for r in roles])
            result.logins.append((login, ", ".join(roles)))
        p = Person.objects.create(
            user=user,
            full_name=name,
            email=email,
            function=function,
            role_title=role,
            team=team,
            manager=manager,
            languages=list(languages),
        )
        if expertise:
            p.expertise.set([tags[t] for t in expertise])
        return p

    leadership = Team.objects.create(name="Revenue leadership", function=Function.REVENUE_LEADERSHIP)
    cro = person(
        "Shirin Tehrani",
        "cro@arya.example",
        Function.REVENUE_LEADERSHIP,
        RoleTitle.CRO,
        leadership,
        login="cro",
        roles=[REVENUE_LEADER],
    )
    head_sales = person(
        "Dariush Karimi",
        "head.sales@arya.example",
        Function.SALES,
        RoleTitle.HEAD_OF_SALES,
        leadership,
        cro,
        login="head.sales",
        roles=[HEAD_OF_SALES],
        expertise=["negotiation", "public tenders"],
    )
    head_marketing = person(
        "Niloofar Ahmadi",
        "head.marketing@arya.example",
        Function.DOWNSTREAM_MARKETING,
        RoleTitle.HEAD_OF_MARKETING,
        leadership,
        cro,
        login="head.marketing",
        roles=[HEAD_OF_MARKETING],
        expertise=["digital campaigns", "events"],
    )
    upstream = Team.objects.create(
        name="Upstream marketing", function=Function.UPSTREAM_MARKETING, manager=head_marketing
    )
    downstream = Team.objects.create(
        name="Downstream marketing", function=Function.DOWNSTREAM_MARKETING, manager=head_marketing
    )
    service = Team.objects.create(name="Customer success", function=Function.SERVICE)
    person(
        "Mina Sadeghi",
        "upstream@arya.example",
        Function.UPSTREAM_MARKETING,
        RoleTitle.PRODUCT_MANAGER,
        upstream,
        head_marketing,
        login="upstream",
        roles=[UPSTREAM_MARKETER],
        expertise=["product roadmap", "market research"],
    )
    person(
        "Kaveh Rostami",
        "brand@arya.example",
        Function.UPSTREAM_MARKETING,
        RoleTitle.BRAND_MANAGER,
        upstream,
        head_marketing,
        expertise=["pricing", "competitive intelligence"],
    )
    person(
        "Laura Bauer",
        "research@arya.example",
        Function.UPSTREAM_MARKETING,
        RoleTitle.MARKET_RESEARCHER,
        upstream,
        head_marketing,
        expertise=["market research", "Gulf market"],
        languages=("en", "de"),
    )
    person(
        "Omid Jafari",
        "downstream@arya.example",
        Function.DOWNSTREAM_MARKETING,
        RoleTitle.CAMPAIGN_MANAGER,
        downstream,
        head_marketing,
        login="downstream",
        roles=[DOWNSTREAM_MARKETER],
        expertise=["digital campaigns", "SEO"],
    )
    person(
        "Yasmin Haddad",
        "content@arya.example",
        Function.DOWNSTREAM_MARKETING,
        RoleTitle.CONTENT_MARKETER,
        downstream,
        head_marketing,
        expertise=["case studies"],
        languages=("en", "ar"),
    )
    person(
        "Hassan Moradi", "success@arya.example", Function.SERVICE, RoleTitle.CUSTOMER_SUCCESS, service, cro
    )
    person(
        "Admin",
        "admin@arya.example",
        Function.REVENUE_LEADERSHIP,
        RoleTitle.ADMINISTRATOR,
        leadership,
        login="admin",
        roles=[ADMINISTRATOR],
    )

    sales_teams, reps = [], []
    for index, (team_name, region) in enumerate(SALES_TEAMS):
        manager_name = (
            f"{FIRST_NAMES[index * 3 % len(FIRST_NAMES)]} {LAST_NAMES[index * 5 % len(LAST_NAMES)]}"
        )
        team = Team.objects.create(name=f"Sales — {team_name}", function=Function.SALES, region=region)
        manager = person(
            manager_name,
            f"manager{index + 1}@arya.example",
            Function.SALES,
            RoleTitle.SALES_MANAGER,
            team,
            head_sales,
            login="manager" if index == 0 else None,
            roles=[SALES_MANAGER],
            expertise=["negotiation"],
        )
        team.manager = manager
        team.save(update_fields=["manager"])
        sales_teams.append(team)
        liaison = person(
            f"{FIRST_NAMES[(index * 7 + 2) % 24]} {LAST_NAMES[(index * 3 + 4) % 20]}",
            f"liaison{index + 1}@arya.example",
            Function.DOWNSTREAM_MARKETING,
            RoleTitle.MARKETING_LIAISON,
            team,
            head_marketing,
            login="liaison" if index == 0 else None,
            roles=[LIAISON],
            expertise=["case studies", "events"],
        )
        del liaison
        for r in range(spec.reps_per_team):
            n = index * 100 + r
            name = (
                f"{FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]} {LAST_NAMES[(n * 11 + index) % len(LAST_NAMES)]}"
            )
            login = "rep" if (index == 0 and r == 0) else None
            reps.append(
                person(
                    name,
                    f"rep{index + 1}.{r + 1}@arya.example",
                    Function.SALES,
                    RoleTitle.SALES_REP,
                    team,
                    manager,
                    login=login,
                    roles=[SALES_REP],
                    expertise=[["pricing", "negotiation", "Persian market", "Gulf market"][r % 4]],
                )
            )
    result.rows["people"] = Person.objects.count()
    result.rows["segments"] = len(segments)
    result.rows["products"] = len(products)
    # Seller skill: a multiplier on win odds, so per-seller win rates differ as they do in life.
    skill = rng.normal(1.0, 0.08, size=len(reps)).clip(0.8, 1.2)
    return {
        "segments": segments,
        "products": products,
        "reps": reps,
        "skill": skill,
        "teams": sales_teams,
        "people": {
            p.user.username: p for p in Person.objects.select_related("user").filter(user__isnull=False)
        },
    }


# ---------------------------------------------------------------- accounts and contacts


def _accounts_and_contacts(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result) -> None:
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


# ---------------------------------------------------------------- opportunities and their histories


def _timestamps(values: np.ndarray) -> list[str]:
    """UTC timestamps as the text each database reads directly (naive UTC on SQLite, as
    Django stores it there; explicit +00:00 for PostgreSQL's timestamptz)."""
    text = np.datetime_as_string(values.astype("datetime64[s]"), unit="s")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [value.replace("T", " ") + suffix for value in text.tolist()]


def _creation_times(n: int, rng, now: datetime.datetime) -> np.ndarray:
    """Seconds before ``now`` at which each deal was created, with seasonality and growth."""
    days = 730
    day_index = np.arange(days)
    dates = [now.date() - datetime.timedelta(days=int(days - d)) for d in day_index]
    weights = np.array(
        [
            MONTH_WEIGHT[d.month - 1] * (0.8 + 0.4 * i / days) * (0.35 if d.weekday() in (4, 5) else 1.0)
            for i, d in enumerate(dates)
        ]
    )
    # Late December is quiet everywhere; the Nowruz fortnight (late March) in Iran.
    weights *= np.array(
        [
            0.5 if (d.month == 12 and d.day > 20) or (d.month == 3 and 20 <= d.day <= 31) else 1.0
            for d in dates
        ]
    )
    weights /= weights.sum()
    chosen = rng.choice(days, size=n, p=weights)
    seconds_into_day = rng.integers(8 * 3600, 18 * 3600, size=n)
    return (days - chosen) * 86400 - seconds_into_day


def _opportunities(spec: Scale, rng, ctx: dict, now: datetime.datetime, result: Result, progress) -> None:
    n = spec.opportunities
    reps = ctx["reps"]
    products = ctx["products"]
    rep_ids = np.array([r.pk for r in reps])
    rep_team = np.array([r.team_id for r in reps])
    seg_ids = np.array([s.pk for s in ctx["segments"]])
    account = rng.integers(0, spec.accounts, size=n)
    # Most deals are owned by the account owner; some by a colleague (territory changes).
    owner = np.where(rng.random(n) < 0.85, ctx["account_owner"][account], rng.integers(0, len(reps), size=n))
    segment = ctx["account_segment"][account]
    source = rng.choice(3, size=n, p=[0.45, 0.45, 0.10])  # marketing, sales, partner
    source_names = np.array(["marketing", "sales", "partner"])
    product = rng.choice(len(products), size=n, p=[0.18, 0.2, 0.06, 0.16, 0.08, 0.14, 0.1, 0.08])
    list_price = np.array([float(p.list_price) for p in products])[product]
    unit_cost = np.array([float(p.unit_cost) for p in products])[product]
    quantity = np.maximum(1, rng.geometric(0.45, size=n))
    discount = rng.uniform(0.0, 0.25, size=n)
    amount_usd = np.round(list_price * quantity * (1 - discount), 2)
    gross_profit = np.round(amount_usd - unit_cost * quantity, 2)
    # Iranian accounts mostly book in rials, a few European deals in euros.
    country = np.array(COUNTRIES)[ctx["account_country"][account]]
    currency = np.where(
        country == "IR",
        np.where(rng.random(n) < 0.7, "IRR", "USD"),
        np.where(np.isin(country, ["DE", "NL"]), "EUR", "USD"),
    )
    rate = {"USD": 1.0, "EUR": 1.08, "IRR": 0.0000238}
    rate_arr = np.vectorize(rate.get)(currency).astype(float)
    amount = np.round(amount_usd / rate_arr, 2)
    amount_base = np.round(amount * rate_arr, 2)

    created_ago = _creation_times(n, rng, now)
    win_factor = (
        SEGMENT_WIN_FACTOR[segment]
        * ctx["skill"][owner]
        * np.where(source == 0, 1.05, np.where(source == 2, 1.08, 0.95))
    )

    # Walk every deal through the open stages at once, one stage per step.
    t = np.zeros(n)  # seconds since creation at which the deal entered its current stage
    stage = np.zeros(n, dtype=int)
    state = np.zeros(n, dtype=int)  # 0 open, 1 won, 2 lost
    events_from, events_to, events_at, events_opp = [], [], [], []
    ids = np.arange(1, n + 1)
    events_from.append(np.full(n, -1))
    events_to.append(np.zeros(n, dtype=int))
    events_at.append(np.zeros(n))
    events_opp.append(ids)
    slipped = np.zeros(n, dtype=bool)
    for k in range(len(OPEN_STAGES)):
        active = (state == 0) & (stage == k)
        durations = rng.lognormal(np.log(MEDIAN_DAYS[k] * 86400), 0.6, size=n)
        leave_at = t + durations
        still_open = active & (leave_at >= created_ago)
        moving = active & ~still_open
        p_adv = np.clip(ADVANCE[k] * win_factor, 0.05, 0.97)
        advance = moving & (rng.random(n) < p_adv)
        lose = moving & ~advance
        # A deal in needs definition or later sometimes slips back one stage first.
        slip = advance & (k >= 2) & ~slipped & (rng.random(n) < 0.13)
        if slip.any():
            back_at = t + durations * 0.5
            events_from.append(np.full(slip.sum(), k))
            events_to.append(np.full(slip.sum(), k - 1))
            events_at.append(back_at[slip])
            events_opp.append(ids[slip])
            events_from.append(np.full(slip.sum(), k - 1))
            events_to.append(np.full(slip.sum(), k))
            events_at.append((back_at + durations * 0.3)[slip])
            events_opp.append(ids[slip])
            slipped |= slip
        target = np.where(k + 1 < len(OPEN_STAGES), k + 1, 6)  # 6 = won
        events_from.append(np.full(advance.sum(), k))
        events_to.append(np.full(advance.sum(), target))
        events_at.append(leave_at[advance])
        events_opp.append(ids[advance])
        events_from.append(np.full(lose.sum(), k))
        events_to.append(np.full(lose.sum(), 7))
        events_at.append(leave_at[lose])
        events_opp.append(ids[lose])
        t = np.where(moving, leave_at, t)
        stage = np.where(advance, k + 1, stage)
        state = np.where(lose, 2, state)
        if k + 1 == len(OPEN_STAGES):
            state = np.where(advance, 1, state)
    stage_codes = [s.value for s in OPEN_STAGES] + [Stage.WON.value, Stage.LOST.value]
    final_stage = np.where(state == 1, 6, np.where(state == 2, 7, stage))
    # Expected close: for open deals the remaining typical cycle; for closed ones the close date.
    typical_left = np.array([MEDIAN_DAYS[k:].sum() for k in range(6)] + [0, 0])
    lost_reason = np.array(LOST_REASONS)[rng.integers(0, len(LOST_REASONS), size=n)]
    names = [p.code for p in products]

    # Columns are built whole with NumPy and zipped into rows: formatting a million
    # rows one value at a time in Python was the generator's bottleneck.
    now64 = np.datetime64(now.replace(tzinfo=None), "s")
    created64 = now64 - created_ago.astype("timedelta64[s]")
    entered64 = created64 + t.astype("timedelta64[s]")
    closed = final_stage >= 6
    close_date = np.where(
        closed,
        entered64.astype("datetime64[D]"),
        (entered64 + ((typical_left[final_stage] + 3) * 86400).astype("timedelta64[s]")).astype(
            "datetime64[D]"
        ),
    )
    product_codes = np.array(names)[product]
    probability = np.array([DEFAULT_PROBABILITY[Stage(code)] for code in stage_codes])[final_stage]
    entered_text = _timestamps(entered64)
    columns = [
        range(1, n + 1),
        [
            f"{code} for account #{acc + 1} ({i + 1})"
            for i, (code, acc) in enumerate(zip(product_codes.tolist(), account.tolist(), strict=True))
        ],
        (account + 1).tolist(),
        rep_ids[owner].tolist(),
        rep_team[owner].tolist(),
        np.array(stage_codes)[final_stage].tolist(),
        probability.tolist(),
        amount.tolist(),
        currency.tolist(),
        amount_base.tolist(),
        (product + ctx["products"][0].pk).tolist(),
        quantity.tolist(),
        gross_profit.tolist(),
        seg_ids[segment].tolist(),
        source_names[source].tolist(),
        np.datetime_as_string(close_date, unit="D").tolist(),
        [text if is_closed else None for text, is_closed in zip(entered_text, closed.tolist(), strict=True)],
        entered_text,
        np.where(final_stage == 7, lost_reason, "").tolist(),
        [""] * n,
        _timestamps(created64),
        entered_text,
    ]

    def opportunity_rows():
        return zip(*columns, strict=True)

    # What later demo steps (leads, touchpoints, forecasts) need to stay consistent with
    # the deals: index i describes opportunity id i + 1.
    ctx["opportunities"] = {
        "count": n,
        "account_index": account,
        "owner_person_id": rep_ids[owner],
        "team_id": rep_team[owner],
        "source": source_names[source],
        "created_at": [
            value.replace(tzinfo=datetime.UTC) for value in created64.astype("datetime64[us]").tolist()
        ],
        "final_stage": np.array(stage_codes)[final_stage],
        "amount_base": amount_base,
        "product_id": product + ctx["products"][0].pk,
        "segment_id": seg_ids[segment],
    }
    step = time.perf_counter()
    result.rows["opportunities"] = insert_rows(
        "crm_opportunity",
        [
            "id",
            "name",
            "account_id",
            "owner_id",
            "team_id",
            "stage",
            "probability",
            "amount",
            "currency",
            "amount_base",
            "product_id",
            "quantity",
            "gross_profit",
            "segment_id",
            "source",
            "expected_close",
            "closed_at",
            "stage_changed_at",
            "lost_reason",
            "external_id",
            "created_at",
            "updated_at",
        ],
        opportunity_rows(),
    )
    progress(f"opportunities: {n:,} in {time.perf_counter() - step:.1f}s")

    ev_from = np.concatenate(events_from)
    ev_to = np.concatenate(events_to)
    ev_at = np.concatenate(events_at)
    ev_opp = np.concatenate(events_opp)
    order = np.lexsort((ev_at, ev_opp))
    labels = np.array(stage_codes + [""])  # index -1 → ""

    ev_sorted_opp = ev_opp[order]
    ev_sorted_to = ev_to[order]
    ev_sorted_from = ev_from[order]
    ev_times = _timestamps(created64[ev_sorted_opp - 1] + ev_at[order].astype("timedelta64[s]"))
    ev_reason = np.where(
        ev_sorted_to == 7, lost_reason[ev_sorted_opp - 1], np.where(ev_sorted_from < 0, "created", "")
    )
    ev_count = len(order)

    def event_rows():
        return zip(
            range(1, ev_count + 1),
            ["opportunity"] * ev_count,
            ev_sorted_opp.tolist(),
            ev_sorted_opp.tolist(),
            labels[ev_sorted_from].tolist(),
            labels[ev_sorted_to].tolist(),
            ev_times,
            [None] * ev_count,
            ev_reason.tolist(),
            ["demo"] * ev_count,
            strict=True,
        )

    step = time.perf_counter()
    result.rows["stage_events"] = insert_rows(
        StageEvent._meta.db_table,
        [
            "id",
            "object_type",
            "object_id",
            "opportunity_id",
            "from_stage",
            "to_stage",
            "at",
            "actor_id",
            "reason",
            "via",
        ],
        event_rows(),
    )
    progress(f"stage events: {result.rows['stage_events']:,} in {time.perf_counter() - step:.1f}s")

    created_text = _timestamps(created64)

    def participant_rows():
        return zip(
            range(1, n + 1),
            range(1, n + 1),
            rep_ids[owner].tolist(),
            ["owner"] * n,
            created_text,
            strict=True,
        )

    result.rows["participants"] = insert_rows(
        "crm_opportunityparticipant",
        ["id", "opportunity_id", "person_id", "role", "added_at"],
        participant_rows(),
    )

    kinds = ["call", "meeting", "email", "call_report", "note"]
    outcomes = ["connected", "positive", "neutral", "next_step", "no_answer"]
    per_opp = rng.poisson(spec.activities_per_opportunity, size=n)

    activity_opp = np.repeat(np.arange(n), per_opp)
    activity_count = len(activity_opp)
    activity_ids = np.arange(1, activity_count + 1)
    span = np.maximum(1.0, t[activity_opp])
    offset = (span * ((activity_ids * 7919) % 997) / 997).astype("timedelta64[s]")
    activity_at = _timestamps(created64[activity_opp] + offset)
    activity_kind = np.array(kinds)[activity_ids % 5]
    activity_subject = [
        f"{kind.replace('_', ' ').capitalize()} with account #{acc + 1}"
        for kind, acc in zip(activity_kind.tolist(), account[activity_opp].tolist(), strict=True)
    ]

    def activity_rows():
        return zip(
            activity_ids.tolist(),
            activity_kind.tolist(),
            activity_subject,
            [""] * activity_count,
            np.array(outcomes)[activity_ids % 5].tolist(),
            activity_at,
            (account[activity_opp] + 1).tolist(),
            [None] * activity_count,
            (activity_opp + 1).tolist(),
            rep_ids[owner[activity_opp]].tolist(),
            rep_team[owner[activity_opp]].tolist(),
            activity_at,
            strict=True,
        )

    step = time.perf_counter()
    result.rows["activities"] = insert_rows(
        "crm_activity",
        [
            "id",
            "kind",
            "subject",
            "body",
            "outcome",
            "occurred_at",
            "account_id",
            "contact_id",
            "opportunity_id",
            "owner_id",
            "team_id",
            "created_at",
        ],
        activity_rows(),
    )
    progress(f"activities: {result.rows['activities']:,} in {time.perf_counter() - step:.1f}s")

    def activity_participant_rows():
        return zip(
            activity_ids.tolist(),
            activity_ids.tolist(),
            rep_ids[owner[activity_opp]].tolist(),
            ["sales"] * activity_count,
            strict=True,
        )

    result.rows["activity_participants"] = insert_rows(
        "crm_activityparticipant", ["id", "activity_id", "person_id", "function"], activity_participant_rows()
    )
