from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from hamsu.core import roles
from hamsu.directory.models import Function, RoleTitle


@pytest.fixture
def liaison_person(make_person, teams):
    return make_person(
        "Lida Liaison",
        role=roles.LIAISON,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.MARKETING_LIAISON,
        team=teams["marketing"],
    )


@pytest.fixture
def head_of_marketing(make_person, teams):
    return make_person(
        "Nilo Head",
        role=roles.HEAD_OF_MARKETING,
        function=Function.DOWNSTREAM_MARKETING,
        title=RoleTitle.HEAD_OF_MARKETING,
    )


@pytest.fixture
def soon():
    return (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
