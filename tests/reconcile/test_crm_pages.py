"""The CRM pages' figures, reconciled: the pipeline board's count and value per stage
(``pipeline.stage_count``, ``pipeline.stage_amount``), the home page's open deals and open
pipeline (``pipeline.open_count``, ``pipeline.open_amount``), a deal's gross profit
(``pipeline.gross_profit``) and the count of feedback notes on its "Related" card
(``together.deal_feedback``).

For small random companies — deals of two teams, two segments and three sources in every
stage, some with a product bought in another currency — each figure is recomputed here
from the raw rows (``.values()``) as its glossary entry says, for a leader who sees every
deal and for a rep under each of the company's visibility rules, under every filter the
board offers (search, stage, seller, team, segment, source). The board's per-stage figures
come from the trigger-kept totals table, so this also holds the triggers to the deals.
Invariants: the stages add up to the home page's open figures; each filter's parts add up
to the unfiltered board.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamsu.collaboration.models import FeedbackNote
from hamsu.core import roles
from hamsu.core.company import company_settings
from hamsu.core.models import CurrencyRate
from hamsu.crm import services as crm
from hamsu.crm.models import Account, Opportunity, Product, Segment
from hamsu.crm.stages import OPEN_STAGES
from hamsu.directory.models import Function, RoleTitle, Team

OPEN = [str(stage) for stage in OPEN_STAGES]
STAGES = [*OPEN, "won", "lost"]
SOURCES = ["marketing", "sales", "partner"]
WORDS = ["alpha", "beta", "gamma", "delta"]
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

deals = st.lists(
    st.fixed_dictionaries(
        {
            "owner": st.integers(0, 2),  # the rep, their teammate, a seller of the other team
            "stage": st.sampled_from(STAGES),
            "segment": st.integers(0, 1),
            "source": st.sampled_from(SOURCES),
            "amount": st.integers(1, 90_000).map(lambda cents: Decimal(cents) / 4),
            "words": st.lists(st.sampled_from(WORDS), min_size=1, max_size=2),
        }
    ),
    max_size=14,
)


@pytest.fixture
def company(make_person):
    east = Team.objects.create(name="East", function=Function.SALES)
    west = Team.objects.create(name="West", function=Function.SALES)
    rep = make_person("Rana Rep", role=roles.SALES_REP, team=east)
    sellers = [rep, make_person("Tara Teammate", team=east), make_person("Omid Other", team=west)]
    leader = make_person(
        "Lale Leader", role=roles.REVENUE_LEADER, function=Function.REVENUE_LEADERSHIP, title=RoleTitle.CRO
    )
    segments = [Segment.objects.create(name="Retail"), Segment.objects.create(name="Energy")]
    accounts = [Account.objects.create(name=f"Account {i}", owner=rep, segment=segments[i]) for i in (0, 1)]
    return {"rep": rep, "leader": leader, "sellers": sellers, "segments": segments, "accounts": accounts}


def build(spec, company) -> None:
    for n, deal in enumerate(spec):
        owner = company["sellers"][deal["owner"]]
        Opportunity.objects.create(
            name=" ".join(deal["words"]) + f" {n}",
            account=company["accounts"][deal["segment"]],
            owner=owner,
            team=owner.team,
            segment=company["segments"][deal["segment"]],
            source=deal["source"],
            stage=deal["stage"],
            probability=50,
            amount=deal["amount"],
            currency="USD",
            amount_base=deal["amount"],
            expected_close=timezone.localdate(),
        )


def visible_rows(person, mode: str, *, leader: bool) -> list[dict]:
    """The deals ``person`` may see, by the company's rule, from the raw rows: a revenue
    leader sees every deal; a rep everyone's, their team's or their own."""
    rows = list(
        Opportunity.objects.values(
            "name", "stage", "owner_id", "team_id", "segment_id", "source", "amount_base"
        )
    )
    if leader or mode == "everyone":
        return rows
    if mode == "team":
        return [r for r in rows if r["owner_id"] == person.pk or r["team_id"] == person.team_id]
    return [r for r in rows if r["owner_id"] == person.pk]


def _matches(name: str, query: str) -> bool:
    """Word-prefix search: every word of the query starts a word of the name."""
    words = name.lower().split()
    return all(any(word.startswith(q) for word in words) for q in query.lower().split())


def expected_board(rows: list[dict], **filters) -> dict[str, tuple[int, str]]:
    """{open stage: (deals, value as the page rounds it)} under the board's filters."""
    out = {}
    for stage in OPEN:
        if filters.get("stage") and filters["stage"] != stage:
            chosen = []
        else:
            chosen = [
                r
                for r in rows
                if r["stage"] == stage
                and (not filters.get("q") or _matches(r["name"], filters["q"]))
                and (not filters.get("owner") or r["owner_id"] == filters["owner"])
                and (not filters.get("team") or r["team_id"] == filters["team"])
                and (not filters.get("segment") or r["segment_id"] == filters["segment"])
                and (not filters.get("source") or r["source"] == filters["source"])
            ]
        total = sum((r["amount_base"] for r in chosen), Decimal("0"))
        # In the company currency (USD here), and saying so.
        out[stage] = (len(chosen), f"{total:,.0f} USD")
    return out


def shown_board(client, **filters) -> dict[str, tuple[int, str]]:
    page = client.get("/crm/pipeline/", {k: v for k, v in filters.items() if v}).content.decode()
    out = {}
    for stage in OPEN:
        count = re.search(rf'data-testid="count-{stage}">([^<]*)<', page).group(1)
        total = re.search(rf'data-testid="total-{stage}">([^<]*)<', page).group(1)
        out[stage] = (int(count.replace(",", "")), total.strip())
    return out


def _filter_choices(company):
    seller_ids = [p.pk for p in company["sellers"]]
    team_ids = sorted({p.team_id for p in company["sellers"]})
    segment_ids = [s.pk for s in company["segments"]]
    return st.one_of(
        st.just({}),
        st.sampled_from(OPEN).map(lambda v: {"stage": v}),
        st.sampled_from(seller_ids).map(lambda v: {"owner": v}),
        st.sampled_from(team_ids).map(lambda v: {"team": v}),
        st.sampled_from(segment_ids).map(lambda v: {"segment": v}),
        st.sampled_from(SOURCES).map(lambda v: {"source": v}),
        st.sampled_from(WORDS).map(lambda v: {"q": v[:3]}),
    )


def _sign_in(client, company, who: str, mode: str):
    row = company_settings()
    row.visibility = mode
    row.save()
    person = company[who]
    client.force_login(person.user)
    return person


@pytest.mark.django_db
@SETTINGS
@given(
    spec=deals,
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
    data=st.data(),
)
def test_the_pipeline_board_shows_what_the_rows_say(spec, who, mode, data, company, client):
    with transaction.atomic():
        build(spec, company)
        person = _sign_in(client, company, who, mode)
        filters = data.draw(_filter_choices(company))
        assert shown_board(client, **filters) == expected_board(
            visible_rows(person, mode, leader=who == "leader"), **filters
        )
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=deals, who=st.sampled_from(["leader", "rep"]), mode=st.sampled_from(["everyone", "team", "own"]))
def test_the_home_page_shows_the_open_deals_the_rows_hold(spec, who, mode, company, client):
    with transaction.atomic():
        build(spec, company)
        person = _sign_in(client, company, who, mode)
        rows = [r for r in visible_rows(person, mode, leader=who == "leader") if r["stage"] in OPEN]
        page = client.get("/").content.decode()
        count = re.search(r'data-testid="open-count">([^<]*)<', page).group(1)
        assert int(count.replace(",", "")) == len(rows)
        total = sum((r["amount_base"] for r in rows), Decimal("0"))
        assert re.search(r'data-testid="open-amount">([^<]*)<', page).group(1).strip() == f"{total:,.0f} USD"
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(spec=deals, who=st.sampled_from(["leader", "rep"]), mode=st.sampled_from(["everyone", "team", "own"]))
def test_the_stages_add_up_to_the_open_pipeline_and_the_filters_to_the_board(
    spec, who, mode, company, client
):
    with transaction.atomic():
        build(spec, company)
        _sign_in(client, company, who, mode)
        whole = shown_board(client)
        page = client.get("/").content.decode()
        open_count = int(re.search(r'data-testid="open-count">([^<]*)<', page).group(1).replace(",", ""))
        assert sum(count for count, _total in whole.values()) == open_count
        for dimension, values in (
            ("source", SOURCES),
            ("segment", [s.pk for s in company["segments"]]),
            ("team", sorted({p.team_id for p in company["sellers"]})),
        ):
            parts = [shown_board(client, **{dimension: value}) for value in values]
            for stage in OPEN:
                assert sum(part[stage][0] for part in parts) == whole[stage][0], (dimension, stage)
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amount=st.integers(100, 5_000_000).map(lambda cents: Decimal(cents) / 100),
    currency=st.sampled_from(["USD", "EUR"]),
    product_currency=st.sampled_from(["USD", "EUR"]),
    unit_cost=st.integers(0, 400_000).map(lambda cents: Decimal(cents) / 100),
    quantity=st.integers(1, 12),
    with_product=st.booleans(),
)
def test_a_deals_gross_profit_is_its_amount_less_the_cost_of_what_it_sells(
    amount, currency, product_currency, unit_cost, quantity, with_product, company, client
):
    with transaction.atomic():
        CurrencyRate.objects.update_or_create(currency="EUR", defaults={"rate_to_base": Decimal("1.10")})
        product = Product.objects.create(
            name="Kit", code="K", list_price=Decimal("1"), unit_cost=unit_cost, currency=product_currency
        )
        deal = crm.opportunity_create(
            actor=None,
            name="Deal",
            account=company["accounts"][0],
            owner=company["rep"],
            amount=amount,
            currency=currency,
            quantity=quantity,
            expected_close=timezone.localdate(),
            product=product if with_product else None,
        )
        rates = dict(CurrencyRate.objects.values_list("currency", "rate_to_base"))
        rates["USD"] = Decimal("1")

        def base(value, code):
            return (value * rates[code]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

        row = (
            Opportunity.objects.filter(pk=deal.pk)
            .values("amount", "currency", "quantity", "gross_profit")
            .get()
        )
        want = (
            base(row["amount"], row["currency"]) - base(unit_cost * quantity, product_currency)
            if with_product
            else 0
        )
        assert row["gross_profit"] == want
        client.force_login(company["leader"].user)
        page = client.get(f"/crm/opportunities/{deal.pk}/").content.decode()
        shown = re.search(r"Gross profit.*?</dt><dd[^>]*>([^<]*)<", page, re.S).group(1)
        assert shown.strip() == f"{Decimal(want):,.0f} USD"  # in the company currency
        transaction.set_rollback(True)


@pytest.mark.django_db
@SETTINGS
@given(
    notes=st.lists(st.integers(0, 2), max_size=6),  # each note's author: the rep, a teammate, the other team
    who=st.sampled_from(["leader", "rep"]),
    mode=st.sampled_from(["everyone", "team", "own"]),
)
def test_a_deals_feedback_count_is_the_notes_its_reader_may_read(notes, who, mode, company, client):
    with transaction.atomic():
        build(
            [
                {
                    "owner": 0,
                    "stage": "qualifying",
                    "segment": 0,
                    "source": "sales",
                    "amount": 10,
                    "words": ["x"],
                }
            ],
            company,
        )
        deal = Opportunity.objects.get()
        for author in notes:
            seller = company["sellers"][author]
            FeedbackNote.objects.create(author=seller, team=seller.team, opportunity=deal, customer_need="x")
        FeedbackNote.objects.create(
            author=company["sellers"][2], team=company["sellers"][2].team, customer_need="other deal"
        )
        person = _sign_in(client, company, who, mode)
        rows = [
            n
            for n in FeedbackNote.objects.values("author_id", "team_id", "opportunity_id")
            if n["opportunity_id"] == deal.pk
        ]
        if who == "rep" and mode == "team":
            rows = [n for n in rows if n["author_id"] == person.pk or n["team_id"] == person.team_id]
        elif who == "rep" and mode == "own":
            rows = [n for n in rows if n["author_id"] == person.pk]
        page = client.get(f"/crm/opportunities/{deal.pk}/").content.decode()
        card = re.search(r'data-testid="related-collaboration.feedback_given">(.*?)</a>', page, re.S)
        shown = (
            int(re.search(r'data-figure="together.deal_feedback">([^<]*)<', card.group(1)).group(1))
            if card
            else 0
        )
        assert shown == len(rows)
        transaction.set_rollback(True)
