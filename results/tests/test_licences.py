"""E-licences: issued after approval with a verification code that cannot be made up; verification; revocation."""

from __future__ import annotations

import datetime as dt

import pytest

from approvals import services as approvals
from approvals.demo import example_produced_values
from cases.choices import CaseAction
from core.errors import ConflictError, UserFacingError
from guidance.metrics import fullest_answers
from notifications.models import Message
from results import queries, services
from results.choices import LicenceStatus, Verification
from results.models import ELicence

from .scenario import CHECK, FIRE, FOOD, accept_all, at, item, restaurant_case, reviewer, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def licensed(django_capture_on_commit_callbacks):
    """The restaurant with the check approved (no licence) and the food licence approved with number and validity."""
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


def test_a_licence_is_issued_on_approval_with_a_verification_code(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    assert licence.number == "JY14107210001234"  # the department's result number
    assert licence.title == "食品经营许可证"  # the service item's result name
    assert licence.holder == user("enterprise")
    assert licence.holder_id_number == "91410721MA44XJ2R3B"
    assert licence.valid_until == dt.date(2031, 11, 22)
    assert len(licence.verification_code) == 16 and licence.verification_code.isalnum()
    assert licence.verification_code == queries.verification_code(licence)
    assert licence.status == LicenceStatus.VALID
    assert not ELicence.objects.filter(item=item(licensed, CHECK)).exists()  # result kind "other": no licence
    assert licensed.events.filter(action=CaseAction.ISSUE_LICENCE, item=licence.item).exists()
    assert Message.objects.filter(recipient=user("enterprise"), kind="licence.issued").count() == 1


def test_a_number_is_generated_when_the_department_gave_none(licensed, django_capture_on_commit_callbacks):
    fire = item(licensed, FIRE)
    with at("2026-11-24 10:00"), django_capture_on_commit_callbacks(execute=True):
        approvals.do_approve_item(fire, acting_user=reviewer(fire))
    assert ELicence.objects.get(item=fire).number == "410721-FIRE_RESCUE-001-20261124-0001"
    assert services.do_issue_licence(fire).number == "410721-FIRE_RESCUE-001-20261124-0001"  # idempotent


def test_verify_genuine_altered_revoked_and_expired(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    number, code = licence.number, licence.verification_code
    assert queries.verify(number, code).outcome == Verification.VALID
    assert queries.verify(number, f" {code.lower()[:8]}-{code.lower()[8:]} ").outcome == Verification.VALID  # as typed
    altered = ("A" if code[0] != "A" else "B") + code[1:]
    assert queries.verify(number, altered).outcome == Verification.NOT_GENUINE
    assert queries.verify(number[:-1] + "5", code).outcome == Verification.NOT_GENUINE
    assert queries.verify("NO-SUCH-NUMBER", code).outcome == Verification.NOT_GENUINE
    assert queries.verify(number, "").outcome == Verification.NOT_GENUINE
    assert queries.verify(number, code, today=dt.date(2031, 11, 23)).outcome == Verification.EXPIRED

    ELicence.objects.filter(pk=licence.pk).update(valid_until=dt.date(2099, 1, 1))  # the row changed behind our back
    assert queries.verify(number, code).outcome == Verification.NOT_GENUINE
    ELicence.objects.filter(pk=licence.pk).update(valid_until=dt.date(2031, 11, 22))

    with at("2026-12-01 10:00"):
        services.do_revoke_licence(licence, "经营场所已注销", acting_user=user("xinxiang_rev_market"))
    result = queries.verify(number, code)
    assert result.outcome == Verification.REVOKED and result.genuine


def test_revocation_is_for_the_issuing_department(licensed):
    licence = ELicence.objects.get(item=item(licensed, FOOD))
    for someone in ("xinxiang_rev_fire_rescue", "enterprise", "xinxiang_delivery", "minquan_reviewer"):
        with pytest.raises(UserFacingError):
            services.do_revoke_licence(licence, "理由", acting_user=user(someone))
    with pytest.raises(services.FieldErrors) as no_reason:
        services.do_revoke_licence(licence, "  ", acting_user=user("xinxiang_rev_market"))
    assert "reason" in no_reason.value.errors
    licence = services.do_revoke_licence(licence, "许可证被依法撤销", acting_user=user("xinxiang_rev_market"))
    assert licence.status == LicenceStatus.REVOKED and licence.revoked_by == user("xinxiang_rev_market")
    assert licensed.events.filter(action=CaseAction.REVOKE_LICENCE).count() == 1
    with pytest.raises(ConflictError):
        services.do_revoke_licence(licence, "again", acting_user=user("admin"))


def test_the_verification_page_shows_the_masked_name_only(client, django_capture_on_commit_callbacks):
    """The 出生医学证明 names the newborn (issue 10 part 7: result_holder), with the parents and the birth as the
    real certificate does; the verification page shows the name masked and no identity number at all."""
    from approvals.tests.test_scenarios import one_thing, received_case

    newborn = one_thing("新生儿出生")
    with at("2026-11-23 09:00"):
        case = received_case("新生儿出生", "citizen", {"q": fullest_answers(newborn), "skip": [], "lic": []})
    certificate = item(case, "《出生医学证明》办理（首签）")
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        approvals.do_accept_item(certificate, acting_user=user("xinxiang_rev_health"))
        approvals.do_approve_item(
            certificate,
            result_number="R410000001",
            produced_values=example_produced_values(certificate),
            acting_user=user("xinxiang_rev_health"),
        )
    licence = ELicence.objects.get(item=certificate)
    newborn_name = case.values["newborn.name"]
    assert licence.holder_name == newborn_name != "张三"  # the newborn, not the father who applied
    assert licence.holder == case.applicant  # kept under the parent's "My licences"
    assert licence.data["母亲姓名"] == case.values["mother.name"] and licence.data["新生儿出生日期"]
    assert licence.data["父亲姓名"] == case.values["father.name"]

    page = client.get("/results/verify/", {"n": licence.number, "c": licence.verification_code})
    text = page.content.decode()
    assert page.status_code == 200
    masked = newborn_name[0] + "*" * (len(newborn_name) - 1)
    assert "真实有效" in text and masked in text and licence.title in text and "R410000001" in text
    assert newborn_name not in text and "410721199003070010" not in text

    forged = client.get("/results/verify/", {"n": licence.number, "c": "AAAAAAAAAAAAAAAA"}).content.decode()
    assert "核验不通过" in forged and masked not in forged and licence.title not in forged
    assert client.get("/results/verify/").status_code == 200  # the empty form


def test_my_licences_and_the_pdf_download(licensed, client_for):
    import io
    import re

    from pypdf import PdfReader

    licence = ELicence.objects.get(item=item(licensed, FOOD))
    page = client_for("enterprise").get("/results/mine/")
    assert page.status_code == 200 and licence.number in page.content.decode()
    download = client_for("enterprise").get(f"/results/mine/{licence.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;") and ".pdf" in download["Content-Disposition"]
    body = "".join(page.extract_text() for page in PdfReader(io.BytesIO(download.content)).pages)
    flat = re.sub(r"\s+", "", body)
    assert licence.verification_code in flat and "/results/verify/?n=JY14107210001234" in flat
    assert "9141**********2R3B" in body  # the identity number masked even on the holder's own copy
    assert client_for("citizen").get(f"/results/mine/{licence.pk}/download/").status_code == 404
    assert client_for("xinxiang_window").get("/results/mine/").status_code == 404
    assert client_for(None).get("/results/mine/").status_code == 302  # to the login page
