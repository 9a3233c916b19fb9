"""Invitation and reminder e-mails, in English and Persian in one message.

The respondent may not have an account (so no language preference is known); both
languages in one e-mail reach everyone.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from hamsu.core.dates import format_date


def survey_url(token: str, base_url: str) -> str:
    return base_url.rstrip("/") + reverse("alignment:survey", args=[token])


def send_invitation(*, invitation, token: str, base_url: str, reminder: bool) -> None:
    url = survey_url(token, base_url)
    parts, subjects = [], []
    for language in ("en", "fa"):
        with translation.override(language):
            context = {
                "round": invitation.round,
                "url": url,
                "reminder": reminder,
                "closes": format_date(invitation.round.closes_at, language),
            }
            subjects.append(render_to_string("alignment/email_subject.txt", context).strip())
            parts.append(render_to_string("alignment/email_body.txt", context).strip())
    send_mail(
        " / ".join(subjects),
        "\n\n----------\n\n".join(parts),
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
