"""The demo company's reference data: settings and rates, logins, teams and people,
segments and products (through the ORM: few rows, and their signals must run)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

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
    Product,
    Segment,
)
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


def reference_data(spec: Scale, rng, result: Result) -> dict:
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
