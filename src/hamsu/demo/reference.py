"""The demo company's reference data: settings and rates, logins, teams and people,
segments and products (through the ORM: few rows, and their signals must run)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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
from hamsu.crm.models import Product, Segment
from hamsu.demo.world import (
    DEMO_PASSWORD,
    FIRST_NAMES,
    LAST_NAMES,
    PRODUCTS,
    SALES_TEAMS,
    SEGMENTS,
    Result,
    Scale,
)
from hamsu.directory.models import ExpertiseTag, Function, Person, RoleTitle, Team

EXPERTISE = [
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


@dataclass(frozen=True)
class Member:
    """One named person of the demo company; ``team`` and ``manager`` name entries made
    before them (teams by key, people by key)."""

    key: str
    name: str
    email: str
    function: str
    role: str
    team: str
    manager: str | None = None
    login: str | None = None
    roles: tuple[str, ...] = ()
    expertise: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en", "fa")


# Created in this order (the ids follow it): the leaders, then the marketing teams they
# manage, then everyone else outside the sales teams.
LEADERS = [
    Member(
        key="cro",
        name="Shirin Tehrani",
        email="cro@arya.example",
        function=Function.REVENUE_LEADERSHIP,
        role=RoleTitle.CRO,
        team="leadership",
        login="cro",
        roles=(REVENUE_LEADER,),
    ),
    Member(
        key="head_sales",
        name="Dariush Karimi",
        email="head.sales@arya.example",
        function=Function.SALES,
        role=RoleTitle.HEAD_OF_SALES,
        team="leadership",
        manager="cro",
        login="head.sales",
        roles=(HEAD_OF_SALES,),
        expertise=("negotiation", "public tenders"),
    ),
    Member(
        key="head_marketing",
        name="Niloofar Ahmadi",
        email="head.marketing@arya.example",
        function=Function.DOWNSTREAM_MARKETING,
        role=RoleTitle.HEAD_OF_MARKETING,
        team="leadership",
        manager="cro",
        login="head.marketing",
        roles=(HEAD_OF_MARKETING,),
        expertise=("digital campaigns", "events"),
    ),
]
STAFF = [
    Member(
        key="upstream",
        name="Mina Sadeghi",
        email="upstream@arya.example",
        function=Function.UPSTREAM_MARKETING,
        role=RoleTitle.PRODUCT_MANAGER,
        team="upstream",
        manager="head_marketing",
        login="upstream",
        roles=(UPSTREAM_MARKETER,),
        expertise=("product roadmap", "market research"),
    ),
    Member(
        key="brand",
        name="Kaveh Rostami",
        email="brand@arya.example",
        function=Function.UPSTREAM_MARKETING,
        role=RoleTitle.BRAND_MANAGER,
        team="upstream",
        manager="head_marketing",
        expertise=("pricing", "competitive intelligence"),
    ),
    Member(
        key="research",
        name="Laura Bauer",
        email="research@arya.example",
        function=Function.UPSTREAM_MARKETING,
        role=RoleTitle.MARKET_RESEARCHER,
        team="upstream",
        manager="head_marketing",
        expertise=("market research", "Gulf market"),
        languages=("en", "de"),
    ),
    Member(
        key="downstream",
        name="Omid Jafari",
        email="downstream@arya.example",
        function=Function.DOWNSTREAM_MARKETING,
        role=RoleTitle.CAMPAIGN_MANAGER,
        team="downstream",
        manager="head_marketing",
        login="downstream",
        roles=(DOWNSTREAM_MARKETER,),
        expertise=("digital campaigns", "SEO"),
    ),
    Member(
        key="content",
        name="Yasmin Haddad",
        email="content@arya.example",
        function=Function.DOWNSTREAM_MARKETING,
        role=RoleTitle.CONTENT_MARKETER,
        team="downstream",
        manager="head_marketing",
        expertise=("case studies",),
        languages=("en", "ar"),
    ),
    Member(
        key="success",
        name="Hassan Moradi",
        email="success@arya.example",
        function=Function.SERVICE,
        role=RoleTitle.CUSTOMER_SUCCESS,
        team="service",
        manager="cro",
    ),
    Member(
        key="admin",
        name="Admin",
        email="admin@arya.example",
        function=Function.REVENUE_LEADERSHIP,
        role=RoleTitle.ADMINISTRATOR,
        team="leadership",
        login="admin",
        roles=(ADMINISTRATOR,),
    ),
]


class PeopleMaker:
    """Creates people (and their logins, roles and expertise) as the demo needs them."""

    def __init__(self, result: Result):
        self.result = result
        self.groups = {g.name: g for g in Group.objects.all()}
        self.tags = {name: ExpertiseTag.objects.create(name=name) for name in EXPERTISE}
        self.users = get_user_model().objects

    def person(
        self,
        name: str,
        email: str,
        function: str,
        role: str,
        team: Team | None = None,
        manager: Person | None = None,
        *,
        login: str | None = None,
        roles=(),
        expertise=(),
        languages=("en", "fa"),
    ) -> Person:
        user = None
        if login:
            user = self.users.create_user(
                username=login,
                email=email,
                password=DEMO_PASSWORD,
                first_name=name.split()[0],
                last_name=name.split()[-1],
            )
            user.groups.set([self.groups[r] for r in roles])
            self.result.logins.append((login, ", ".join(roles)))
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
            p.expertise.set([self.tags[t] for t in expertise])
        return p

    def member(self, member: Member, teams: dict[str, Team], people: dict[str, Person]) -> Person:
        people[member.key] = self.person(
            member.name,
            member.email,
            member.function,
            member.role,
            teams[member.team],
            people[member.manager] if member.manager else None,
            login=member.login,
            roles=member.roles,
            expertise=member.expertise,
            languages=member.languages,
        )
        return people[member.key]


def _company() -> None:
    """The company's name, base currency, big-deal threshold and exchange rates."""
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


def _leadership_and_marketing(make: PeopleMaker) -> dict[str, Person]:
    """The leaders, the marketing and service teams and their people, by Member key."""
    teams = {
        "leadership": Team.objects.create(name="Revenue leadership", function=Function.REVENUE_LEADERSHIP)
    }
    people: dict[str, Person] = {}
    for member in LEADERS:
        make.member(member, teams, people)
    head_marketing = people["head_marketing"]
    teams["upstream"] = Team.objects.create(
        name="Upstream marketing", function=Function.UPSTREAM_MARKETING, manager=head_marketing
    )
    teams["downstream"] = Team.objects.create(
        name="Downstream marketing", function=Function.DOWNSTREAM_MARKETING, manager=head_marketing
    )
    teams["service"] = Team.objects.create(name="Customer success", function=Function.SERVICE)
    for member in STAFF:
        make.member(member, teams, people)
    return people


def _sales_teams(
    spec: Scale, make: PeopleMaker, people: dict[str, Person]
) -> tuple[list[Team], list[Person]]:
    """Each sales team with its manager, its marketing liaison and its sellers."""
    sales_teams, reps = [], []
    for index, (team_name, region) in enumerate(SALES_TEAMS):
        manager_name = (
            f"{FIRST_NAMES[index * 3 % len(FIRST_NAMES)]} {LAST_NAMES[index * 5 % len(LAST_NAMES)]}"
        )
        team = Team.objects.create(name=f"Sales — {team_name}", function=Function.SALES, region=region)
        manager = make.person(
            manager_name,
            f"manager{index + 1}@arya.example",
            Function.SALES,
            RoleTitle.SALES_MANAGER,
            team,
            people["head_sales"],
            login="manager" if index == 0 else None,
            roles=[SALES_MANAGER],
            expertise=["negotiation"],
        )
        team.manager = manager
        team.save(update_fields=["manager"])
        sales_teams.append(team)
        make.person(
            f"{FIRST_NAMES[(index * 7 + 2) % 24]} {LAST_NAMES[(index * 3 + 4) % 20]}",
            f"liaison{index + 1}@arya.example",
            Function.DOWNSTREAM_MARKETING,
            RoleTitle.MARKETING_LIAISON,
            team,
            people["head_marketing"],
            login="liaison" if index == 0 else None,
            roles=[LIAISON],
            expertise=["case studies", "events"],
        )
        for r in range(spec.reps_per_team):
            n = index * 100 + r
            name = (
                f"{FIRST_NAMES[(n * 7) % len(FIRST_NAMES)]} {LAST_NAMES[(n * 11 + index) % len(LAST_NAMES)]}"
            )
            reps.append(
                make.person(
                    name,
                    f"rep{index + 1}.{r + 1}@arya.example",
                    Function.SALES,
                    RoleTitle.SALES_REP,
                    team,
                    manager,
                    login="rep" if (index == 0 and r == 0) else None,
                    roles=[SALES_REP],
                    expertise=[["pricing", "negotiation", "Persian market", "Gulf market"][r % 4]],
                )
            )
    return sales_teams, reps


def reference_data(spec: Scale, rng, result: Result) -> dict:
    """Settings, segments, products, teams and people; what later steps need of them."""
    _company()
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
    make = PeopleMaker(result)
    people = _leadership_and_marketing(make)
    sales_teams, reps = _sales_teams(spec, make, people)
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
