"""API v1 for accounts: list, create, read and change."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

from hamsu.core.api_figures import stored
from hamsu.core.api_kit import (
    ERRORS,
    Id,
    Int,
    Limit,
    not_found,
    require_perm,
)
from hamsu.core.api_patch import Patch
from hamsu.core.api_versions import IfMatch, expected_version, with_etag
from hamsu.crm import selectors, services
from hamsu.crm.api.common import VERSION_DOC, WRITE_ERRORS, PageOf, fk_data, router
from hamsu.crm.models import (
    Account,
)


class AccountOut(Schema):
    id: int
    name: str
    domain: str
    segment_id: int | None
    industry: str
    employees: int | None = stored()
    size_band: str
    country: str
    owner_id: int | None
    external_id: str
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class AccountIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    domain: Annotated[str, Field(max_length=200)] = ""
    segment_id: Id | None = None
    industry: Annotated[str, Field(max_length=80)] = ""
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    owner_id: Id | None = None
    external_id: Annotated[str, Field(max_length=100)] = ""


class AccountPatch(Patch):
    for_model = Account

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    domain: Annotated[str, Field(max_length=200)] | None = None
    segment_id: Id | None = None
    industry: Annotated[str, Field(max_length=80)] | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] | None = None
    owner_id: Id | None = None


class AccountPage(PageOf):
    items: list[AccountOut]


@router.get("/accounts", response={200: AccountPage, **ERRORS})
def list_accounts(
    request,
    q: str = "",
    segment: Int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: Limit = 50,
):
    require_perm(request, "crm.view_account")
    page = selectors.account_list(
        user=request.user, q=q, segment=segment, sort=sort, cursor=cursor, limit=limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/accounts", response={201: AccountOut, **ERRORS})
def create_account(request, payload: AccountIn):
    require_perm(request, "crm.add_account")
    return 201, services.account_create(actor=request.user, via="api", **fk_data(payload.dict()))


@router.get("/accounts/{account_id}", response={200: AccountOut, **ERRORS})
def get_account(request, response: HttpResponse, account_id: Id):
    require_perm(request, "crm.view_account")
    account = selectors.account_detail(user=request.user, pk=account_id)
    if account is None:
        raise not_found(Account, account_id, "account_id")
    return with_etag(response, account)


@router.patch("/accounts/{account_id}", response={200: AccountOut, **WRITE_ERRORS})
def update_account(
    request, response: HttpResponse, account_id: Id, payload: AccountPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "crm.change_account")
    account = get_object_or_404(Account, pk=account_id)
    account = services.account_update(
        account=account,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, account)
