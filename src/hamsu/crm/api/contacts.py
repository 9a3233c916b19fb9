"""API v1 for contacts: list, create, read and change."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Schema

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
    Contact,
)


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    country: str
    account_id: int | None
    owner_id: int | None
    created_at: datetime.datetime
    version: Annotated[int, Field(description=VERSION_DOC)]


class ContactIn(Schema):
    first_name: Annotated[str, Field(max_length=100)] = ""
    last_name: Annotated[str, Field(min_length=1, max_length=100)]
    email: Annotated[str, Field(max_length=254)] = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    title: Annotated[str, Field(max_length=120)] = ""
    country: Annotated[str, Field(pattern=r"^([A-Za-z]{2})?$")] = ""
    account_id: Id | None = None
    owner_id: Id | None = None


class ContactPatch(Patch):
    for_model = Contact

    first_name: Annotated[str, Field(max_length=100)] | None = None
    last_name: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    email: Annotated[str, Field(max_length=254)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    title: Annotated[str, Field(max_length=120)] | None = None
    account_id: Id | None = None
    owner_id: Id | None = None


class ContactPage(PageOf):
    items: list[ContactOut]


@router.get("/contacts", response={200: ContactPage, **ERRORS})
def list_contacts(
    request,
    q: str = "",
    account: Int | None = None,
    sort: str = "name",
    cursor: str | None = None,
    limit: Limit = 50,
):
    require_perm(request, "crm.view_contact")
    page = selectors.contact_list(
        user=request.user, q=q, account=account, sort=sort, cursor=cursor, limit=limit
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.post("/contacts", response={201: ContactOut, **ERRORS})
def create_contact(request, payload: ContactIn):
    require_perm(request, "crm.add_contact")
    return 201, services.contact_create(actor=request.user, via="api", **fk_data(payload.dict()))


@router.get("/contacts/{contact_id}", response={200: ContactOut, **ERRORS})
def get_contact(request, response: HttpResponse, contact_id: Id):
    require_perm(request, "crm.view_contact")
    contact = selectors.contact_detail(user=request.user, pk=contact_id)
    if contact is None:
        raise not_found(Contact, contact_id, "contact_id")
    return with_etag(response, contact)


@router.patch("/contacts/{contact_id}", response={200: ContactOut, **WRITE_ERRORS})
def update_contact(
    request, response: HttpResponse, contact_id: Id, payload: ContactPatch, if_match: IfMatch = None
):
    """Changes only the fields sent."""
    require_perm(request, "crm.change_contact")
    contact = get_object_or_404(Contact, pk=contact_id)
    contact = services.contact_update(
        contact=contact,
        actor=request.user,
        via="api",
        expected_version=expected_version(if_match),
        strict=True,
        **fk_data(payload.dict(exclude_unset=True)),
    )
    return with_etag(response, contact)
