"""The tamper-evident trail (core.trail, issue 11 part 8): every audit event table is a hash chain that
`manage.py verify_trail` walks; an edited or removed event is reported, and a licence whose holder was changed no
longer verifies, nor does resetting a revoked licence's status revive it."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from approvals import services as approvals
from cases.models import CaseEvent
from catalog.models import CatalogChange
from core import trail
from materials.models import UploadEvent
from oneform.models import DraftEvent
from results import queries, services
from results.choices import LicenceStatus, Verification
from results.models import ELicence
from shareddata import services as shareddata
from shareddata.models import SharedDataEvent

from .scenario import CHECK, FOOD, accept_all, at, item, restaurant_case, user

pytestmark = [pytest.mark.django_db, pytest.mark.security]


@pytest.fixture
def licensed(django_capture_on_commit_callbacks):
    """Real actions in every chained table: consent, draft, uploads, filing, decisions, a licence."""
    enterprise = user("enterprise")
    shareddata.do_grant_consent(
        enterprise, shareddata.scopes_for(enterprise)[0], acting_user=enterprise, purpose="开办餐饮店"
    )
    case = restaurant_case()
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        accept_all(case)
        approvals.do_approve_item(
            item(case, CHECK), result_number="91410721MA44XJ2R3B", acting_user=user("xinxiang_rev_market")
        )
        approvals.do_approve_item(
            item(case, FOOD),
            result_number="JY14107210001234",
            valid_until=dt.date(2031, 11, 22),
            acting_user=user("xinxiang_rev_market"),
        )
    return case


def verify_trail() -> str:
    out = StringIO()
    call_command("verify_trail", stdout=out, stderr=out)
    return out.getvalue()


def broken() -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_trail", stdout=out, stderr=out)
    return out.getvalue()


def test_the_chains_are_intact_after_real_actions(licensed):
    for model in (CaseEvent, CatalogChange, SharedDataEvent, UploadEvent, DraftEvent):
        assert model.objects.exists(), model
        last = model.objects.order_by("-pk").first()
        previous = model.objects.filter(pk__lt=last.pk).order_by("-pk").first()
        assert len(last.hash) == 64 and last.prev_hash == (previous.hash if previous else "")
    total = sum(m.objects.count() for m in (CaseEvent, CatalogChange, SharedDataEvent, UploadEvent, DraftEvent))
    assert f"all chains intact: {total} events" in verify_trail()


@pytest.mark.parametrize("model", [CaseEvent, CatalogChange, DraftEvent, UploadEvent, SharedDataEvent])
def test_an_event_edited_in_the_database_is_reported(licensed, model):
    event = model.objects.order_by("-pk").first()  # the newest, so no later link hides it
    model.objects.filter(pk=event.pk).update(actor_label="某人")  # behind the application's back
    report = broken()
    assert f"{model._meta.db_table} id={event.pk}: content does not match its hash" in report
    assert event.hash in report  # found: the stored hash; expected: the recomputed one


def test_an_edited_case_event_detail_is_reported(licensed):
    event = CaseEvent.objects.filter(case=licensed).order_by("pk").first()
    CaseEvent.objects.filter(pk=event.pk).update(summary="")
    assert f"cases_caseevent id={event.pk}: content does not match" in broken()


def test_a_deleted_event_is_detected_at_the_next_one(licensed):
    events = list(CaseEvent.objects.filter(case=licensed).order_by("pk"))
    gone, following = events[2], events[3]
    CaseEvent.objects.filter(pk=gone.pk).delete()  # the queryset delete bypasses the model
    report = broken()
    assert f"cases_caseevent id={following.pk}: previous hash does not match event id={events[1].pk}" in report
    assert gone.hash in report  # what the following event points at (found) …
    assert events[1].hash in report  # … and what it should have pointed at (expected)


def test_bulk_create_of_events_is_refused(licensed):
    with pytest.raises(TypeError):
        DraftEvent.objects.bulk_create(
            [DraftEvent(draft_id=1, action="save_draft", actor_label="x", at=dt.datetime.now(dt.UTC))]
        )


def test_sealing_existing_rows_matches_what_verify_expects(licensed):
    from django.apps import apps

    CaseEvent.objects.update(prev_hash="", hash="")  # an install from before the chain
    assert "cases_caseevent" in broken()
    trail.seal_existing(apps, "cases.CaseEvent")  # what the data migration runs
    assert "all chains intact" in verify_trail()


def test_a_licence_whose_holder_name_was_changed_fails_verification(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    assert queries.verify(licence.number, licence.verification_code).outcome == Verification.VALID
    ELicence.objects.filter(pk=licence.pk).update(holder_name="另一家餐饮有限公司")
    assert queries.verify(licence.number, licence.verification_code).outcome == Verification.NOT_GENUINE


def test_a_revoked_licence_stays_revoked_when_its_status_column_is_reset(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    services.do_revoke_licence(licence, "经营场所已注销", acting_user=user("xinxiang_rev_market"))
    ELicence.objects.filter(pk=licence.pk).update(status=LicenceStatus.VALID, revoked_at=None)
    result = queries.verify(licence.number, licence.verification_code)
    assert result.outcome == Verification.REVOKED and result.revoked_at is not None
    assert "all chains intact" in verify_trail()  # the revocation is a chained event


def test_a_legacy_licence_code_still_verifies(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    licence.code_version = 1
    licence.verification_code = queries.verification_code(licence)
    licence.save()
    assert queries.verify(licence.number, licence.verification_code).outcome == Verification.VALID
