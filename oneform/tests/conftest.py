"""One-form fixtures; the seed catalog, demo accounts and demo shared data come from the root conftest."""

import pytest

from catalog.choices import OneThingStatus
from catalog.models import OneThing


def published(name: str, region: str = "410721") -> OneThing:
    return OneThing.objects.get(region__code=region, name=name, status=OneThingStatus.PUBLISHED)


@pytest.fixture
def restaurant(db) -> OneThing:
    """开办餐饮店, 新乡县 (data/specs/xinxiang_restaurant.yaml)."""
    return published("开办餐饮店")


@pytest.fixture
def newborn(db) -> OneThing:
    """新生儿出生, 新乡县 (data/specs/xinxiang_newborn.yaml)."""
    return published("新生儿出生")


@pytest.fixture
def retirement(db) -> OneThing:
    """退休, 新乡县 (data/specs/xinxiang_retirement.yaml): asks for the applicant's population data."""
    return published("退休")
