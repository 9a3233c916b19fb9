"""The outbox: where Hamsu's e-mail goes while no mail server is configured (the demo,
a trial install). Each message is stored as a row the administrator reads on the Outbox
page (``/settings/outbox/``, ``GET /api/v1/settings/outbox``) and written as an ``.eml``
file under ``EMAIL_FILE_PATH`` — instead of Django's console backend, which printed every
SLA escalation to the terminal the server runs in.

Set ``HAMSU_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend`` (README) to send
real mail.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from hamsu.core.models import OutboxMessage


class OutboxBackend(BaseEmailBackend):
    def __init__(self, *args, file_path: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        if not email_messages:
            return 0
        try:
            return self._store(email_messages)
        except Exception:
            if not self.fail_silently:
                raise
            return 0

    def _store(self, email_messages) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        rows, files = [], []
        for message in email_messages:
            now = timezone.now()
            # A sortable, unique name: the time it was sent, then a random tail.
            name = f"{now:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:12]}.eml"
            files.append((name, message.message().as_bytes(linesep="\n")))
            rows.append(
                OutboxMessage(
                    sent_at=now,
                    subject=str(message.subject or ""),
                    from_email=str(message.from_email or ""),
                    to="\n".join(str(address) for address in message.recipients()),
                    body=str(message.body or ""),
                    file_name=name,
                )
            )
        # The rows first: the page is what the administrator reads; a file is a copy.
        OutboxMessage.objects.bulk_create(rows)
        for name, content in files:
            (self.directory / name).write_bytes(content)
        return len(rows)
