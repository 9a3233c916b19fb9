"""Anonymous answers cannot be paired with people from the stored data (issue 15, defect 8).

The audit log says when each invitation was used; if the response stored at that moment
were the newest row, the database's own row order (SQLite's rowid, PostgreSQL's ctid)
would pair each person with their answers. So the stored rows of an anonymous round must
be the same whichever order people answered in: a function of the answers alone.
"""

from __future__ import annotations

import pytest
from django.db import connection

from hamsu.alignment import services
from hamsu.analytics.diagnostic import STATEMENTS as KEYS
from hamsu.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# Four people's answers, each set distinct, so each row says whose it is.
ANSWERS = [
    ("sales", 5),
    ("marketing", 1),
    ("sales", 2),
    ("marketing", 4),
]


def stored_in_physical_order(round_) -> list[tuple]:
    """The round's responses as the database keeps them, in its own storage order."""
    physical = "ctid" if connection.vendor == "postgresql" else "rowid"
    columns = ", ".join(["function", *KEYS])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM alignment_response WHERE round_id = %s ORDER BY {physical}",
            [round_.pk],
        )
        return cursor.fetchall()


def answered_in(order: list[int], make_round, invite):
    round_ = make_round(anonymous=True)
    links = [invite(round_, function=function) for function, _value in ANSWERS]
    for index in order:
        function, value = ANSWERS[index]
        _invitation, token = links[index]
        services.survey_submit(token=token, answers=dict.fromkeys(KEYS, value))
    return round_


def test_the_stored_answers_do_not_depend_on_the_order_people_answered_in(make_round, invite):
    first = answered_in([0, 1, 2, 3], make_round, invite)
    reversed_ = answered_in([3, 2, 1, 0], make_round, invite)
    assert stored_in_physical_order(first) == stored_in_physical_order(reversed_)


def test_the_newest_row_is_not_the_last_person_to_answer(make_round, invite):
    round_ = answered_in([0, 1, 2, 3], make_round, invite)
    last_used = AuditEntry.objects.filter(object_type="alignment.invitation").latest("pk")
    assert last_used.changes == {"used": [False, True]}
    # The last invitation used was the fourth person's (marketing, all 4s).
    assert stored_in_physical_order(round_)[-1] != ("marketing", *[4] * len(KEYS))
