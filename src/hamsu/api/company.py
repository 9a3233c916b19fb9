"""Company-wide settings through the API: the same service and rules as the settings page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from django.http import HttpResponse
from ninja import Field, Router, Schema

from hamsu.core import selectors, services
from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, WRITE_ERRORS, require_perm
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import VERSION_DOC, IfMatch, expected_version, with_etag
from hamsu.core.company import company_settings
from hamsu.core.models import CompanySettings, FiscalCalendar, Visibility

router = Router(tags=["settings"])


class CompanySettingsOut(Schema):
    name: str
    base_currency: str
    visibility: str
    fiscal_calendar: str
    big_deal_threshold: Decimal = stored()
    influence_lookback_days: int = stored(
        "A deal counts as marketing-influenced when its account had a marketing touch "
        "in this many days before the deal was created."
    )
    version: Annotated[int, Field(description=VERSION_DOC)]


class CompanySettingsPatch(Patch):
    """Only the fields sent change; the rest keep their values."""

    for_model = CompanySettings

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    base_currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None = None
    visibility: Visibility | None = None
    fiscal_calendar: FiscalCalendar | None = None
    big_deal_threshold: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] | None = None
    influence_lookback_days: Annotated[int, Field(ge=1, le=730)] | None = None


@router.get("", response={200: CompanySettingsOut, **ERRORS}, summary="The company's settings")
def settings_get(request, response: HttpResponse):
    """What every figure is computed with: base currency, fiscal calendar, influence window …"""
    return with_etag(response, company_settings())


@router.patch("", response={200: CompanySettingsOut, **WRITE_ERRORS}, summary="Change company settings")
def settings_update(request, response: HttpResponse, payload: CompanySettingsPatch, if_match: IfMatch = None):
    """Changes only the fields sent."""
    require_perm(request, "core.change_companysettings")
    row = services.company_settings_update(
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **payload.dict(exclude_unset=True),
    )
    return with_etag(response, row)


class OutboxMessageOut(Schema):
    id: int
    sent_at: datetime.datetime
    subject: str
    from_email: str
    to: list[str] = Field(description="The recipients.")
    body: str
    file_name: str = Field(
        description="The message's .eml file in the outbox folder (HAMSU_EMAIL_FILE_PATH)."
    )

    @staticmethod
    def resolve_to(obj) -> list[str]:
        return obj.recipients


@router.get(
    "/outbox",
    response={200: list[OutboxMessageOut], **ERRORS},
    summary="E-mail kept in the outbox",
)
def outbox_list(request, limit: Annotated[int, Field(ge=1, le=500)] = 200):
    """The e-mail Hamsu sent while no mail server is configured, newest first — the Outbox page's rows."""
    require_perm(request, "core.view_outboxmessage")
    return selectors.outbox_messages(limit=limit)
