"""What the CRM adds to the who-to-contact word index (``hamsu.directory.search_index``):
its accounts, by name. The directory sits below the CRM and cannot list them itself, so
the CRM registers them from ``CrmConfig.ready()``."""

from __future__ import annotations

from hamsu.crm.models import Account
from hamsu.directory.models import SearchToken
from hamsu.directory.search_index import Source

ACCOUNTS = Source(
    kind=SearchToken.Kind.ACCOUNT,
    texts=lambda: Account.objects.values_list("pk", "name"),
    changed_since=lambda moment: Account.objects.filter(updated_at__gte=moment).values_list("pk", flat=True),
    bookmark="accounts_until",
)
