"""Guidance fixtures; the seed catalog and demo accounts come from the root conftest."""

import pytest

from catalog.choices import OneThingStatus
from catalog.models import OneThing


def published_code(name: str, region: str = "410721") -> str:
    return OneThing.objects.get(region__code=region, name=name, status=OneThingStatus.PUBLISHED).code


@pytest.fixture
def restaurant_code(db) -> str:
    """开办餐饮店, 新乡县 (data/specs/xinxiang_restaurant.yaml)."""
    return published_code("开办餐饮店")


@pytest.fixture
def newborn_code(db) -> str:
    """新生儿出生, 新乡县 (data/specs/xinxiang_newborn.yaml)."""
    return published_code("新生儿出生")
