"""One search over deals, accounts, contacts, leads and people: the box in the layout.

Each kind is searched by the same selector as its own list (same visibility, same
matching: every word typed, in any of the record's columns, Persian normalised), and is
left out for a role that may not open that list. The first few of each are shown, with a
link to the full list filtered by the same words.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from hamsu.crm import selectors as crm
from hamsu.directory import selectors as directory
from hamsu.funnel import selectors as funnel

SHOWN = 8


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: list  # (url, label, detail)
    more_url: str


def _deals(user, q):
    page = crm.opportunity_list(user=user, filters=crm.OpportunityFilters(q=q), limit=SHOWN)
    return [(reverse("crm:opportunity", args=[o.pk]), o.name, o.account.name) for o in page.items]


def _accounts(user, q):
    page = crm.account_list(user=user, q=q, limit=SHOWN)
    return [(reverse("crm:account", args=[a.pk]), a.name, a.domain) for a in page.items]


def _contacts(user, q):
    page = crm.contact_list(user=user, q=q, limit=SHOWN)
    return [
        (reverse("crm:contact", args=[c.pk]), str(c), c.account.name if c.account else "") for c in page.items
    ]


def _leads(user, q):
    page = funnel.lead_list(user=user, filters=funnel.LeadFilters(q=q), limit=SHOWN)
    return [(reverse("funnel:lead", args=[lead.pk]), str(lead), lead.company) for lead in page.items]


def _people(user, q):
    page = directory.person_list(q=q, limit=SHOWN)
    return [
        (reverse("directory:person", args=[p.pk]), p.full_name, p.get_role_title_display())
        for p in page.items
    ]


# (key, title, permission, search, the list that shows them all)
KINDS = [
    ("deals", _("Deals"), "crm.view_opportunity", _deals, "crm:opportunities"),
    ("accounts", _("Accounts"), "crm.view_account", _accounts, "crm:accounts"),
    ("contacts", _("Contacts"), "crm.view_contact", _contacts, "crm:contacts"),
    ("leads", _("Leads"), "funnel.view_lead", _leads, "funnel:leads"),
    ("people", _("People"), "directory.view_person", _people, "directory:people"),
]


def search_everything(*, user, q: str) -> list[Section]:
    """What ``user`` may see matching ``q``, by kind (kinds they may not open are left out)."""
    sections = []
    for key, title, permission, search, list_url in KINDS:
        if not user.has_perm(permission):
            continue
        more = f"{reverse(list_url)}?{urlencode({'q': q})}"
        sections.append(Section(key=key, title=str(title), rows=search(user, q), more_url=more))
    return sections
