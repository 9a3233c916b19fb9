"""Webhooks reach no internal address (issue 15, defect 2).

Only https (http where the operator allows it) to public addresses: refused with a field
error when the endpoint is saved, and checked again after DNS resolution at each delivery,
connecting to the very address that was checked; redirects are not followed; the log of a
refused delivery holds nothing about the target (no port scanner); the first retry waits
for the back-off. Real listeners on loopback addresses; other names are given addresses by
a fake resolver, so no packet leaves the machine."""

from __future__ import annotations

import datetime
import ipaddress
import json
import socket

import pytest
from django.db import transaction
from django.utils import timezone

from hamsu.api import services as tokens
from hamsu.dataio import services, webhook_targets, webhooks
from hamsu.dataio.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from tests.dataio.http_receiver import Receiver, closed_port

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"  # a public address; never connected to (the name is re-pointed)
_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch):
    """names[name] = [address, …] answers for that name; a list of lists answers each
    lookup in turn (DNS rebinding); other names resolve as usual."""
    names: dict[str, list] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            return _real_getaddrinfo(host, port, *args, **kwargs)
        answer = names[host]
        if answer and isinstance(answer[0], list):
            answer = answer.pop(0) if len(answer) > 1 else answer[0]
        result = []
        for address in answer:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port or 0, 0, 0) if family == socket.AF_INET6 else (address, port or 0)
            result.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
        return result

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def second_receiver(receiver):
    """Another listener on the same port of 127.0.0.2: where a second resolution would lead."""
    server = Receiver("127.0.0.2", port=receiver.port)
    yield server
    server.close()


@pytest.fixture
def api(client, admin):
    _token, raw = tokens.token_create(user=admin.user, name="t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def post(url: str):
        return client.post(
            "/api/v1/data/webhooks",
            json.dumps({"url": url, "events": ["deal.won"]}),
            content_type="application/json",
            **auth,
        )

    return post


def _field_errors(response) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in response.json()["errors"]:
        errors.setdefault(error["field"], []).append(error["message"])
    return errors


def _emit(event="deal.won"):
    with transaction.atomic():
        return webhooks.emit(event, {"n": 1})


# ---------------------------------------------------------------- refused when saved

INTERNAL_URLS = [
    "https://127.0.0.1/hook",
    "https://127.0.0.1:8000/hook",
    "https://10.0.0.1/",
    "https://192.168.1.10/",
    "https://172.16.0.1/",
    "https://100.64.0.1/",  # carrier-grade NAT
    "https://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
    "https://0.0.0.0/",
    "https://localhost:8000/api/v1/accounts",
    "https://LOCALHOST./",
    "https://[::1]/",
    "https://[::ffff:127.0.0.1]/",  # IPv4-mapped IPv6
    "https://[::ffff:a9fe:a9fe]/",  # 169.254.169.254, mapped
    "https://[fe80::1]/",
    "https://[fd00::1]/",
    "https://[64:ff9b::7f00:1]/",  # NAT64 of 127.0.0.1
    "https://[2002:7f00:1::]/",  # 6to4 of 127.0.0.1
]


@pytest.mark.parametrize("url", INTERNAL_URLS)
def test_an_internal_address_is_refused_with_a_field_error(api, url):
    response = api(url)
    assert response.status_code == 422
    assert "url" in _field_errors(response)
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    "url", ["ftp://127.0.0.1/", "ftp://hooks.example.com/", "http://hooks.example.com/", "file:///etc/passwd"]
)
def test_only_https_is_accepted_by_default(api, dns, url):
    dns["hooks.example.com"] = [PUBLIC]
    response = api(url)
    assert response.status_code == 422
    assert "url" in _field_errors(response)


def test_the_message_says_what_is_allowed(api):
    response = api("ftp://127.0.0.1/")
    assert _field_errors(response)["url"] == ["Only https addresses may receive webhooks."]


def test_a_public_https_address_is_accepted(api, dns):
    dns["hooks.example.com"] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    assert api("https://hooks.example.com/hamsu").status_code == 201


def test_http_is_accepted_once_the_operator_allows_it(api, dns, settings):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    dns["hooks.example.com"] = [PUBLIC]
    assert api("http://hooks.example.com/hamsu").status_code == 201


def test_a_name_with_one_internal_address_among_public_ones_is_refused(api, dns):
    dns["mixed.example.com"] = [PUBLIC, "10.1.2.3"]
    assert api("https://mixed.example.com/").status_code == 422


def test_a_name_that_does_not_resolve_is_refused(api, dns):
    dns["nowhere.example.com"] = []
    assert _field_errors(api("https://nowhere.example.com/"))["url"] == [
        "The host name could not be resolved."
    ]


def test_credentials_in_the_address_are_refused(api, dns):
    dns["hooks.example.com"] = [PUBLIC]
    assert api("https://user:secret@hooks.example.com/").status_code == 422


@pytest.mark.parametrize(
    "spelling",
    ["2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "127.1", "017700000001", "0"],
)
def test_other_spellings_of_loopback_are_refused(spelling):
    # Django's URL validator already refuses most of these; the rule must hold on its own
    # (at delivery time it is the only check), because the system resolver reads them all
    # as 127.0.0.1 or 0.0.0.0.
    with pytest.raises(webhook_targets.TargetRefused):
        webhook_targets.check_url(f"https://{spelling}/")


def test_the_page_shows_the_refusal_next_to_the_form(client, admin):
    client.force_login(admin.user)
    page = client.post(
        "/data/webhooks/", {"url": "https://169.254.169.254/latest/", "events": ["deal.won"]}, follow=True
    )
    assert "not a public internet address" in page.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_refusal_is_in_persian_on_a_persian_page(client, admin):
    client.force_login(admin.user)
    page = client.post(
        "/data/webhooks/",
        {"url": "ftp://127.0.0.1/", "events": ["deal.won"]},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="fa",
    )
    assert "Only https" not in page.content.decode()


def test_the_admin_refuses_an_internal_address_too(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(superuser)
    response = client.post(
        "/admin/dataio/webhookendpoint/add/",
        {"url": "https://10.0.0.1/", "secret": "x" * 64, "events": '["deal.won"]', "is_active": "on"},
    )
    assert not WebhookEndpoint.objects.exists()
    assert "not a public internet address" in response.content.decode()


# ---------------------------------------------------------------- the operator's allow-list


def test_an_allow_listed_intranet_receiver_is_accepted_and_delivered_to(
    api, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/30"]
    assert api(receiver.url).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    assert len(receiver.requests) == 1


def test_the_allow_list_covers_only_its_networks(api, settings):
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert api("https://10.21.0.1/").status_code == 422


def test_the_allow_list_setting_reads_the_environment(monkeypatch):
    import importlib

    import hamsu.settings

    monkeypatch.setenv("HAMSU_WEBHOOK_ALLOWED_NETWORKS", "10.20.0.0/16, 192.168.5.7")
    monkeypatch.setenv("HAMSU_WEBHOOK_ALLOW_HTTP", "1")
    try:
        reloaded = importlib.reload(hamsu.settings)
        assert reloaded.HAMSU_WEBHOOK_ALLOWED_NETWORKS == ["10.20.0.0/16", "192.168.5.7/32"]
    finally:
        monkeypatch.delenv("HAMSU_WEBHOOK_ALLOWED_NETWORKS")
        monkeypatch.delenv("HAMSU_WEBHOOK_ALLOW_HTTP")
        importlib.reload(hamsu.settings)


# ---------------------------------------------------------------- checked again at delivery


@pytest.fixture
def allowed_then_revoked(settings, admin):
    """Save an endpoint while the operator allows loopback, then take the permission away
    (a setting changed since the endpoint was saved)."""
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]

    def save(url: str) -> WebhookEndpoint:
        endpoint = services.webhook_endpoint_create(actor=admin.user, url=url, events=["deal.won"])
        settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = []
        return endpoint

    return save


def test_a_name_rebound_to_loopback_after_saving_gets_nothing(
    admin, dns, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    dns["hooks.example.com"] = [PUBLIC]
    services.webhook_endpoint_create(
        actor=admin.user, url=f"http://hooks.example.com:{receiver.port}/hook", events=["deal.won"]
    )
    dns["hooks.example.com"] = ["127.0.0.1"]  # the attacker's DNS now answers loopback
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    assert receiver.requests == []


def test_a_refused_delivery_fails_at_once_and_records_no_response(
    admin, dns, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    dns["hooks.example.com"] = [PUBLIC]
    services.webhook_endpoint_create(
        actor=admin.user, url=f"http://hooks.example.com:{receiver.port}/hook", events=["deal.won"]
    )
    dns["hooks.example.com"] = ["127.0.0.1"]
    receiver.statuses = [418]
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.response_status is None
    assert delivery.last_error == webhook_targets.NOT_PUBLIC


def test_the_log_does_not_tell_an_open_port_from_a_closed_one(
    allowed_then_revoked, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [404]
    open_endpoint = allowed_then_revoked(receiver.url)
    closed_endpoint = WebhookEndpoint.objects.create(
        url=f"http://127.0.0.1:{closed_port()}/hook", events=["deal.won"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    seen = {
        d.endpoint_id: (d.status, d.response_status, d.last_error)
        for d in WebhookDelivery.objects.filter(endpoint__in=[open_endpoint, closed_endpoint])
    }
    assert seen[open_endpoint.pk] == seen[closed_endpoint.pk]
    assert receiver.requests == []


def test_the_delivery_log_page_shows_the_refusal_not_a_response_code(
    client, admin, allowed_then_revoked, receiver, django_capture_on_commit_callbacks
):
    receiver.statuses = [418]
    endpoint = allowed_then_revoked(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    client.force_login(admin.user)
    page = client.get(f"/data/webhooks/{endpoint.pk}/").content.decode()
    assert "418" not in page
    assert "not a public internet address" in page


def test_the_refusal_in_the_log_is_shown_in_persian(
    client, admin, allowed_then_revoked, receiver, django_capture_on_commit_callbacks
):
    endpoint = allowed_then_revoked(receiver.url)
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    client.force_login(admin.user)
    page = client.get(f"/data/webhooks/{endpoint.pk}/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "not a public internet address" not in page


def test_http_turned_off_after_saving_is_refused_at_delivery(
    allowed_then_revoked, settings, receiver, django_capture_on_commit_callbacks
):
    allowed_then_revoked(receiver.url)
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = False
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    assert receiver.requests == []


def test_the_connection_goes_to_the_address_that_was_checked(
    admin, dns, settings, receiver, second_receiver, django_capture_on_commit_callbacks
):
    # The name answers 127.0.0.1 (allowed) once, then 127.0.0.2 (not allowed): a client that
    # resolved again to connect would reach the second listener.
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns["hooks.example.com"] = [["127.0.0.1"]]
    services.webhook_endpoint_create(
        actor=admin.user, url=f"http://hooks.example.com:{receiver.port}/hook", events=["deal.won"]
    )
    dns["hooks.example.com"] = [["127.0.0.1"], ["127.0.0.2"]]
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    assert (len(receiver.requests), len(second_receiver.requests)) == (1, 0)


def test_the_request_names_the_host_it_was_addressed_to(
    admin, dns, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    dns["hooks.example.com"] = ["127.0.0.1"]
    services.webhook_endpoint_create(
        actor=admin.user, url=f"http://hooks.example.com:{receiver.port}/hook?x=1", events=["deal.won"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    [request] = receiver.requests
    assert request["headers"]["Host"] == f"hooks.example.com:{receiver.port}"
    assert request["path"] == "/hook?x=1"


def test_a_redirect_is_not_followed(
    admin, settings, receiver, second_receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32", "127.0.0.2/32"]
    services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
    receiver.statuses = [302]
    receiver.location = second_receiver.url
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    assert second_receiver.requests == []


def test_a_redirect_counts_as_a_failed_attempt(admin, settings, receiver, django_capture_on_commit_callbacks):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
    receiver.statuses = [307]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.RETRYING, webhook_targets.REDIRECT)


def test_an_ipv6_loopback_receiver_is_refused_at_delivery(
    admin, settings, django_capture_on_commit_callbacks
):
    receiver = Receiver("::1")
    try:
        settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
        settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["::1/128"]
        services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
        settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = []
        with django_capture_on_commit_callbacks(execute=True):
            _emit()
        assert receiver.requests == []
    finally:
        receiver.close()


def test_an_allow_listed_ipv4_network_covers_its_mapped_ipv6_form(settings):
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["10.20.0.0/16"]
    assert webhook_targets.address_permitted(ipaddress.ip_address("::ffff:10.20.1.1"))


# ---------------------------------------------------------------- the first retry waits


def test_the_first_retry_waits_for_the_back_off(
    admin, settings, receiver, django_capture_on_commit_callbacks
):
    """`hamsu webhooks` emits and sends due deliveries in one pass; the worker then runs the
    task enqueued on commit a moment later. The task must not send a second time."""
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
    receiver.statuses = [500, 500]
    with django_capture_on_commit_callbacks(execute=False) as on_commit:
        _emit()
    webhooks.deliver_due()  # the loop's pass
    for callback in on_commit:  # the worker, 0.9 s later
        callback()
    assert len(receiver.requests) == 1


def test_the_retry_is_sent_once_the_back_off_has_passed(
    admin, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _emit()
    soon = timezone.now() + datetime.timedelta(seconds=25)
    webhooks.deliver_due(now=soon)
    sent_before_the_back_off = len(receiver.requests)
    webhooks.deliver_due(now=timezone.now() + datetime.timedelta(seconds=31))
    assert (sent_before_the_back_off, len(receiver.requests)) == (1, 2)


def test_a_task_for_a_delivery_not_yet_due_sends_nothing(
    admin, settings, receiver, django_capture_on_commit_callbacks
):
    settings.HAMSU_WEBHOOK_ALLOW_HTTP = True
    settings.HAMSU_WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    services.webhook_endpoint_create(actor=admin.user, url=receiver.url, events=["deal.won"])
    receiver.statuses = [500]
    with django_capture_on_commit_callbacks(execute=True):
        [pk] = _emit()
    assert webhooks.deliver(delivery_id=pk) == "skipped"
