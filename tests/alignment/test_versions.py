"""No lost updates on the alignment action items (issue 18): a status set from the list is
written only in the version the list showed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hamsu.alignment import services
from hamsu.alignment.models import ActionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(marketer):
    return services.action_item_create(actor=None, move="meetings", title="Monthly meeting", owner=marketer)


def test_a_status_set_on_a_list_shown_before_someone_else_set_it_is_refused(leader_client, item):
    shown = item.version
    services.action_item_update(item=item, actor=None, status="done")
    leader_client.post(
        reverse("alignment:action_status", args=[item.pk]), {"version": shown, "status": "dropped"}
    )
    assert ActionItem.objects.get(pk=item.pk).status == "done"


def test_a_status_set_on_a_list_shown_before_the_title_changed_keeps_both(leader_client, item):
    shown = item.version
    services.action_item_update(item=item, actor=None, title="Monthly sales-marketing meeting")
    leader_client.post(
        reverse("alignment:action_status", args=[item.pk]), {"version": shown, "status": "done"}
    )
    saved = ActionItem.objects.get(pk=item.pk)
    assert (saved.title, saved.status) == ("Monthly sales-marketing meeting", "done")


def test_a_refused_status_says_who_changed_it(leader_client, item):
    shown = item.version
    services.action_item_update(item=item, actor=None, status="done")
    page = leader_client.post(
        reverse("alignment:action_status", args=[item.pk]),
        {"version": shown, "status": "dropped"},
        follow=True,
    )
    assert "changed by" in page.content.decode()
