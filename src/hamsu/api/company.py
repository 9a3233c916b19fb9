"""Company-wide settings through the API: the same service and rules as the settings page."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Router, Schema

from hamsu.core import selectors, services
from hamsu.core.api_figures import stored
from hamsu.core.api_kit import ERRORS, require_perm
from hamsu.core.api_patch import Patch
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
def settings_get(request):
    """What every figure is computed with: base currency, fiscal calendar, influence window …"""
    return company_settings()


@router.patch("", response={200: CompanySettingsOut, **ERRORS}, summary="Change company settings")
def settings_update(request, payload: CompanySettingsPatch):
    require_perm(request, "core.change_companysettings")
    return services.company_settings_update(actor=request.user, via="api", **payload.dict(exclude_unset=True))


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
