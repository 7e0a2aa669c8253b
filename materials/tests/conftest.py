"""Materials fixtures: a temporary MEDIA_ROOT and applicants' drafts; the catalog and demo data come from the root."""

import pytest

from accounts.models import User
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from oneform.models import ApplicationDraft
from oneform.services import do_save_draft

# 开办餐饮店 with dine-in seats (fire check) and a signboard: every item in
RESTAURANT_ALL = {"q": {"dine_in": "dining_commitment", "signboard": "install"}, "skip": [], "lic": []}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def restaurant(db) -> OneThing:
    return OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)


@pytest.fixture
def draft_of(db):
    def make(username: str, one_thing: OneThing, answers: dict = RESTAURANT_ALL) -> ApplicationDraft:
        user = User.objects.get(username=username)
        return do_save_draft(user, one_thing, answers, {}, acting_user=user)

    return make
