"""Case documents and the e-licence as PDFs, through the real endpoints: text, embedded fonts, verification by the
printed address, tampering, supersession, revocation, permissions per role, idempotent issue.

Cases are built as the results tests build them (results/tests/scenario.py): the demo enterprise's restaurant in
新乡县, received at the window; the departments' decisions run with their after-commit hooks.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from pypdf import PdfReader

from approvals import services as approvals
from cases import services as case_services
from cases.choices import CaseAction, PointKind
from cases.models import Case
from cases.tests.conftest import make_ready_draft
from catalog.models import MaterialType
from core.errors import UserFacingError
from documents import services
from documents.choices import DocumentKind, DocumentStatus
from documents.models import CaseDocument
from materials.services import do_sign_commitment
from results import services as results
from results.models import ELicence
from results.tests.scenario import CHECK, FOOD, SIGN, accept_all, at, item, one_thing, restaurant_case, reviewer, user

pytestmark = pytest.mark.django_db

HEADINGS = {
    DocumentKind.RECEIPT: "收件回执",
    DocumentKind.CORRECTION: "一次性告知补正通知书",
    DocumentKind.ACCEPTANCE: "受理通知书",
    DocumentKind.REFUSAL: "不予受理决定书",
    DocumentKind.DENIAL: "不予许可决定书",
    DocumentKind.COMMITMENT: "告知承诺书",
    DocumentKind.DELIVERY: "送达凭证",
}


# ---------------------------------------------------------------- helpers


def url(case: Case, kind: str, ref: object = "") -> str:
    if kind == DocumentKind.RECEIPT:
        return f"/documents/case/{case.number}/receipt.pdf"
    return f"/documents/case/{case.number}/{kind}/{ref}.pdf"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def unembedded_fonts(content: bytes) -> list[str]:
    """Fonts of any page without a font file (Type0: their descendant fonts' descriptors)."""
    reader = PdfReader(io.BytesIO(content))
    missing = []
    seen = 0
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get_object().get("/Font") or {}
        for font in fonts.get_object().values():
            font = font.get_object()
            targets = (
                [d.get_object() for d in font.get("/DescendantFonts", [])]
                if font.get("/Subtype") == "/Type0"
                else [font]
            )
            for target in targets:
                seen += 1
                descriptor = target.get("/FontDescriptor")
                descriptor = descriptor.get_object() if descriptor is not None else {}
                if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.append(str(target.get("/BaseFont")))
    assert seen, "the PDF uses no font at all"
    return missing


def printed_path(text: str) -> str:
    """The verification address printed under the QR code, as a path on this site."""
    flat = re.sub(r"\s+", "", text)
    match = re.search(re.escape(settings.PUBLIC_URL) + r"(/[^\s]*?\?n=[^&]+&c=[A-Z2-7]{16})", flat)
    assert match, "no verification address printed"
    return match.group(1)


def get_pdf(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response.content


def check_document(client, case: Case, kind: str, ref: object = "") -> CaseDocument:
    """Download, then: heading, case number, number and code in the text; fonts embedded; the printed address
    verifies as genuine and current."""
    content = get_pdf(client, url(case, kind, ref))
    text = pdf_text(content)
    document = CaseDocument.objects.get(
        case=case, kind=kind, number__contains=case.number, source_key__endswith=str(ref) if ref else ""
    )
    assert HEADINGS[kind] in text
    assert case.number in text
    assert document.number in re.sub(r"\s+", "", text)
    assert services.readable_code(document.verification_code) in text
    assert unembedded_fonts(content) == []
    path = printed_path(text)
    assert path == services.verification_url(document).removeprefix(settings.PUBLIC_URL)
    page = client_anonymous().get(path).content.decode()
    assert "真实有效" in page and document.number in page
    return document


def client_anonymous():
    from django.test import Client

    return Client()


def verdict(number: str, code: str) -> str:
    return services.verify_document(number, code).outcome


def correction_case() -> Case:
    """Filed online, then a correction notice for the premises' area."""
    enterprise = user("enterprise")
    with at("2026-11-23 09:30"):
        from results.tests.scenario import RESTAURANT_ALL

        draft = make_ready_draft(enterprise, one_thing("开办餐饮店"), answers=RESTAURANT_ALL, leave_out=())
        case = case_services.do_submit_case(draft, "documents-correction", acting_user=enterprise)
        case_services.do_request_correction(
            case,
            [{"kind": PointKind.FIELD, "key": "premises.area", "reason": "面积与平面图不一致"}],
            acting_user=user("xinxiang_window"),
        )
    return Case.objects.get(pk=case.pk)


def commitment_case() -> Case:
    """The 健康证明 replaced by a signed commitment (告知承诺), then received."""
    enterprise = user("enterprise")
    with at("2026-11-23 09:30"):
        draft = make_ready_draft(
            enterprise, one_thing("开办餐饮店"), leave_out=("health_certificate", "food_safety_rules")
        )
        do_sign_commitment(draft, MaterialType.objects.get(key="health_certificate"), "王五", acting_user=enterprise)
        case = case_services.do_submit_case(draft, "documents-commitment", acting_user=enterprise)
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def received():
    return restaurant_case()


@pytest.fixture
def accepted(received):
    with at("2026-11-23 10:00"):
        accept_all(received)
    return received


@pytest.fixture
def refused(received, django_capture_on_commit_callbacks):
    sign = item(received, SIGN)
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        approvals.do_refuse_item(sign, "招牌设置位置不在规划允许范围内", acting_user=reviewer(sign))
    return received


@pytest.fixture
def delivered(received, django_capture_on_commit_callbacks):
    results.do_choose_delivery(received, "separate", "window", acting_user=user("enterprise"))
    check = item(received, CHECK)
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        approvals.do_accept_item(check, acting_user=reviewer(check))
        approvals.do_approve_item(check, acting_user=reviewer(check))
    with at("2026-11-23 11:00"):
        delivery = results.do_record_delivery(
            received, [check], "window", recipient_name="赵六", acting_user=user("xinxiang_delivery")
        )
    return received, delivery


@pytest.fixture
def licensed(received, django_capture_on_commit_callbacks):
    with at("2026-11-23 10:00"), django_capture_on_commit_callbacks(execute=True):
        accept_all(received)
        approvals.do_approve_item(item(received, CHECK), acting_user=user("xinxiang_rev_market"))
        approvals.do_approve_item(
            item(received, FOOD),
            result_number="JY14107210009876",
            valid_until=dt.date(2031, 11, 22),
            acting_user=user("xinxiang_rev_market"),
        )
    return ELicence.objects.get(item=item(received, FOOD))


# ---------------------------------------------------------------- the seven PDFs


def test_receipt_pdf_verifies_and_is_issued_once(received, client_for):
    client = client_for("enterprise")
    document = check_document(client, received, DocumentKind.RECEIPT)
    assert document.number == f"SJ{received.number}"
    assert document.issuer == "新乡县政务服务中心"
    again = get_pdf(client_for("xinxiang_window"), url(received, DocumentKind.RECEIPT))
    assert again.startswith(b"%PDF")
    assert CaseDocument.objects.filter(case=received).count() == 1  # two downloads, one record
    assert CaseDocument.objects.get(case=received).verification_code == document.verification_code
    events = received.events.filter(action=CaseAction.ISSUE_DOCUMENT, detail__document=document.number)
    assert events.count() == 1 and "收件回执" in events.get().summary


def test_correction_notice_pdf_then_superseded_by_resubmission(client_for):
    case = correction_case()
    client = client_for("enterprise")
    document = check_document(client, case, DocumentKind.CORRECTION, 1)
    assert "面积与平面图不一致" in pdf_text(get_pdf(client, url(case, DocumentKind.CORRECTION, 1)))
    with at("2026-11-23 11:00"):
        case_services.do_save_correction(case, {"premises.area": "99"}, acting_user=user("enterprise"))
        case_services.do_resubmit_case(case, acting_user=user("enterprise"))
    check = services.verify_document(document.number, document.verification_code)
    assert check.outcome == "superseded"  # genuine, but answered: no longer current
    page = client_anonymous().get(services.verification_url(document).removeprefix(settings.PUBLIC_URL)).content
    assert "真实，已失效".encode() in page
    assert CaseDocument.objects.get(pk=document.pk).status == DocumentStatus.SUPERSEDED


def test_acceptance_notice_pdf_with_the_promised_limit(accepted, client_for):
    check = item(accepted, CHECK)
    document = check_document(client_for(reviewer(check).username), accepted, DocumentKind.ACCEPTANCE, check.pk)
    assert document.issuer == check.department.name
    text = pdf_text(get_pdf(client_for("enterprise"), url(accepted, DocumentKind.ACCEPTANCE, check.pk)))
    assert check.name in text and "个工作日" in text


def test_refusal_pdf_with_reasons_and_remedies_stays_current(refused, client_for):
    sign = item(refused, SIGN)
    document = check_document(client_for("enterprise"), refused, DocumentKind.REFUSAL, sign.pk)
    text = re.sub(r"\s+", "", pdf_text(get_pdf(client_for("enterprise"), url(refused, DocumentKind.REFUSAL, sign.pk))))
    assert "招牌设置位置不在规划允许范围内" in text
    assert "2026年11月23日" in text  # dated the day of the decision, not of the download
    assert "行政复议" in text and "行政诉讼" in text and "60" in text
    assert verdict(document.number, document.verification_code) == "current"


def test_a_denial_issues_its_decision_with_reasons_remedies_and_verification(accepted, client_for):
    """Issue 10 part 6: 不予许可 has its document, issued by the decision itself (no download needed)."""
    check = item(accepted, CHECK)
    with at("2026-11-24 15:00"):
        approvals.do_deny_item(check, "经营场所不符合食品安全要求", acting_user=reviewer(check))
    document = CaseDocument.objects.get(case=accepted, kind=DocumentKind.DENIAL, item=check)
    assert document.issued_by == reviewer(check) and document.number.startswith("BXK")
    check_document(client_for("enterprise"), accepted, DocumentKind.DENIAL, check.pk)
    text = re.sub(r"\s+", "", pdf_text(get_pdf(client_for("enterprise"), url(accepted, DocumentKind.DENIAL, check.pk))))
    assert "经营场所不符合食品安全要求" in text and "2026年11月24日" in text
    assert "行政复议" in text and "60日" in text and "行政诉讼" in text and "6个月" in text
    case_page = client_for("enterprise").get(f"/cases/{accepted.number}/").content.decode()
    assert f"/documents/case/{accepted.number}/denial/{check.pk}.pdf" in case_page


def test_commitment_pdf_with_text_consequences_and_signature(client_for):
    case = commitment_case()
    material = case.materials.get(material_type__key="health_certificate")
    check_document(client_for("enterprise"), case, DocumentKind.COMMITMENT, material.pk)
    text = pdf_text(get_pdf(client_for("enterprise"), url(case, DocumentKind.COMMITMENT, material.pk)))
    assert "王五" in text and "承诺" in text and "信用" in text


def test_delivery_proof_pdf(delivered, client_for):
    case, delivery = delivered
    document = check_document(client_for("xinxiang_delivery"), case, DocumentKind.DELIVERY, delivery.pk)
    assert document.number == delivery.proof_number
    text = pdf_text(get_pdf(client_for("enterprise"), url(case, DocumentKind.DELIVERY, delivery.pk)))
    assert "赵六" in text and CHECK in text


def test_licence_pdf_verifies_and_a_revoked_licence_says_so(licensed, client_for):
    client = client_for("enterprise")
    response = client.get(f"/results/mine/{licensed.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert licensed.number in text and licensed.title in text and licensed.case.number in text
    assert unembedded_fonts(response.content) == []
    assert "9141**********2R3B" in text and "91410721MA44XJ2R3B" not in text  # the identity number masked
    flat = re.sub(r"\s+", "", text)
    match = re.search(re.escape(settings.PUBLIC_URL) + r"(/results/verify/\?n=[^&]+&c=[A-Z2-7]{16})", flat)
    assert match
    assert "真实有效" in client_anonymous().get(match.group(1)).content.decode()
    assert client_for("citizen").get(f"/results/mine/{licensed.pk}/download/").status_code == 404

    with at("2026-12-01 10:00"):
        results.do_revoke_licence(licensed, "经营场所变更", acting_user=user("xinxiang_rev_market"))
    assert "真实，但已注销" in client_anonymous().get(match.group(1)).content.decode()
    revoked_text = pdf_text(client.get(f"/results/mine/{licensed.pk}/download/").content)
    assert "已注销" in revoked_text and "2026-12-01" in revoked_text


# ---------------------------------------------------------------- verification


def test_tampered_code_and_made_up_number_are_not_genuine_alike(received, client_for):
    get_pdf(client_for("enterprise"), url(received, DocumentKind.RECEIPT))
    document = CaseDocument.objects.get(case=received)
    number, code = document.number, document.verification_code
    assert verdict(number, services.readable_code(code).lower()) == "current"  # as typed, dashes and case ignored
    tampered = ("A" if code[0] != "A" else "B") + code[1:]
    made_up = f"SJ{received.number[:-1]}9"
    anonymous = client_anonymous()
    answers = []
    for n, c in [(number, tampered), (made_up, code), ("", code), (number, "")]:
        assert verdict(n, c) == "not_genuine"
        answers.append(anonymous.get("/documents/verify/", {"n": n, "c": c}).content.decode())
    assert "核验不通过" in answers[0]
    assert answers[0].replace(number, "").replace(tampered, "") == answers[1].replace(made_up, "").replace(code, "")
    assert received.number not in answers[0].replace(number, "")  # nothing about the case

    CaseDocument.objects.filter(pk=document.pk).update(content={**document.content, "applicant": "某某"})
    assert verdict(number, code) == "not_genuine"  # the row changed behind our back


def test_the_verification_page_shows_no_personal_data_beyond_the_masked_name(received, client_for):
    get_pdf(client_for("enterprise"), url(received, DocumentKind.RECEIPT))
    document = CaseDocument.objects.get(case=received)
    page = client_anonymous().get(services.verification_url(document).removeprefix(settings.PUBLIC_URL))
    text = page.content.decode()
    assert page.status_code == 200
    assert "真实有效" in text and "收件回执" in text and received.number in text and "新乡县政务服务中心" in text
    assert "新乡县演示餐饮有限公司" not in text and "新乡县******公司" in text  # masked (enterprise)
    assert "91410721MA44XJ2R3B" not in text and "13800000002" not in text and "王五" not in text


def test_a_revoked_document_verifies_as_revoked_with_its_date(refused, client_for):
    sign = item(refused, SIGN)
    get_pdf(client_for("enterprise"), url(refused, DocumentKind.REFUSAL, sign.pk))
    document = CaseDocument.objects.get(case=refused, kind=DocumentKind.REFUSAL)
    with pytest.raises(UserFacingError):
        services.do_revoke_document(document, "误发", acting_user=user("xinxiang_rev_fire_rescue"))
    with at("2026-11-25 10:00"):
        services.do_revoke_document(document, "误发", acting_user=reviewer(sign))
    assert verdict(document.number, document.verification_code) == "revoked"
    page = client_anonymous().get("/documents/verify/", {"n": document.number, "c": document.verification_code})
    assert "真实，已被出具机关撤销" in page.content.decode() and "2026-11-25" in page.content.decode()


def test_receipt_superseded_when_the_case_is_withdrawn(received, client_for):
    get_pdf(client_for("enterprise"), url(received, DocumentKind.RECEIPT))
    document = CaseDocument.objects.get(case=received)
    case_services.do_withdraw_case(received, "不再开店", acting_user=user("enterprise"))
    assert verdict(document.number, document.verification_code) == "superseded"


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    "username, kind, expected",
    [
        ("enterprise", DocumentKind.ACCEPTANCE, 200),  # the applicant, own case
        ("citizen", DocumentKind.ACCEPTANCE, 404),  # another applicant
        ("citizen", DocumentKind.RECEIPT, 404),
        ("xinxiang_window", DocumentKind.RECEIPT, 200),  # window of the case's region
        ("xinxiang_window", DocumentKind.ACCEPTANCE, 200),
        ("xixia_window", DocumentKind.RECEIPT, 404),  # window of another region
        ("xixia_window", DocumentKind.ACCEPTANCE, 404),
        ("xinxiang_delivery", DocumentKind.RECEIPT, 200),  # certificate window of the region (case.view)
        ("xinxiang_rev_market", DocumentKind.ACCEPTANCE, 200),  # the item's department
        ("xinxiang_rev_market", DocumentKind.RECEIPT, 404),  # a department has no case documents beyond its own
        ("xinxiang_rev_fire_rescue", DocumentKind.ACCEPTANCE, 404),  # another department
        ("xixia_reviewer", DocumentKind.ACCEPTANCE, 404),
    ],
)
def test_who_may_download(accepted, client_for, username, kind, expected):
    check = item(accepted, CHECK)
    ref = check.pk if kind == DocumentKind.ACCEPTANCE else ""
    assert client_for(username).get(url(accepted, kind, ref)).status_code == expected


def test_documents_of_states_that_did_not_happen_are_404(accepted, client_for):
    client = client_for("enterprise")
    check = item(accepted, CHECK)
    assert client.get(url(accepted, DocumentKind.REFUSAL, check.pk)).status_code == 404  # accepted, not refused
    assert client.get(url(accepted, DocumentKind.CORRECTION, 1)).status_code == 404  # no notice
    assert client.get(url(accepted, DocumentKind.DELIVERY, 1)).status_code == 404
    assert client.get(url(accepted, "licence", check.pk)).status_code == 404  # no such kind
    assert client.get(f"/documents/case/{accepted.number[:-1]}9/receipt.pdf").status_code == 404


def test_no_acceptance_notice_before_acceptance(received, client_for):
    check = item(received, CHECK)
    assert client_for("enterprise").get(url(received, DocumentKind.ACCEPTANCE, check.pk)).status_code == 404
    assert client_for(reviewer(check).username).get(url(received, DocumentKind.ACCEPTANCE, check.pk)).status_code == 404


def test_anonymous_downloads_go_to_login(received):
    response = client_anonymous().get(url(received, DocumentKind.RECEIPT))
    assert response.status_code == 302 and "/accounts/login" in response["Location"]


# ---------------------------------------------------------------- links on the pages


def test_pages_link_the_documents(accepted, client_for):
    check = item(accepted, CHECK)
    link = url(accepted, DocumentKind.ACCEPTANCE, check.pk)
    assert link in client_for("enterprise").get(f"/cases/{accepted.number}/").content.decode()
    assert (
        url(accepted, DocumentKind.RECEIPT)
        in client_for("enterprise").get(f"/cases/{accepted.number}/").content.decode()
    )
    assert link in client_for(reviewer(check).username).get(f"/tasks/{check.pk}/").content.decode()
    assert link in client_for("xinxiang_window").get(f"/window/cases/{accepted.number}/").content.decode()


# ---------------------------------------------------------------- revoking on the pages


def test_the_issuing_body_revokes_on_the_page_with_a_reason(accepted, client_for):
    check = item(accepted, CHECK)
    department = client_for(reviewer(check).username)
    task_page = f"/tasks/{check.pk}/"
    get_pdf(department, url(accepted, DocumentKind.ACCEPTANCE, check.pk))
    get_pdf(client_for("enterprise"), url(accepted, DocumentKind.RECEIPT))
    notice = CaseDocument.objects.get(case=accepted, kind=DocumentKind.ACCEPTANCE, item=check)
    receipt = CaseDocument.objects.get(case=accepted, kind=DocumentKind.RECEIPT)
    revoke_notice = f"/documents/case/{accepted.number}/acceptance/{check.pk}/revoke/"
    revoke_receipt = f"/documents/case/{accepted.number}/receipt/revoke/"
    assert revoke_notice in department.get(task_page).content.decode()
    applicant_page = client_for("enterprise").get(f"/cases/{accepted.number}/").content.decode()
    assert "/revoke/" not in applicant_page  # the applicant downloads, never revokes

    # a reason is required; the applicant and another department cannot revoke; another county cannot even see it
    empty = department.post(revoke_notice, {"reason": " ", "next": task_page}, follow=True)
    assert "请填写撤销文书的原因。" in empty.content.decode()
    client_for("enterprise").post(revoke_notice, {"reason": "想撤销"})
    assert client_for("xinxiang_rev_fire_rescue").post(revoke_notice, {"reason": "误发"}).status_code == 404
    assert client_for("xixia_window").post(revoke_receipt, {"reason": "误发"}).status_code == 404
    assert CaseDocument.objects.get(pk=notice.pk).status == DocumentStatus.CURRENT

    done = department.post(revoke_notice, {"reason": "承诺时限填写错误", "next": task_page})
    assert done.status_code == 302 and done["Location"] == task_page + "#documents"
    assert verdict(notice.number, notice.verification_code) == "revoked"
    assert "/revoke/" not in department.get(task_page).content.decode()  # revoked once
    reprinted = pdf_text(get_pdf(department, url(accepted, DocumentKind.ACCEPTANCE, check.pk)))
    assert "被出具机关撤销（承诺时限填写错误）" in reprinted  # a reprint says so
    event = accepted.events.get(action=CaseAction.REVOKE_DOCUMENT)
    assert "承诺时限填写错误" in event.summary and event.actor == reviewer(check)

    # the receipt is the centre's: its window revokes it, a department does not; an outside `next` is ignored
    department.post(revoke_receipt, {"reason": "误发"})
    assert CaseDocument.objects.get(pk=receipt.pk).status == DocumentStatus.CURRENT
    window = client_for("xinxiang_window")
    response = window.post(revoke_receipt, {"reason": "收件时间录入错误", "next": "https://example.com/"})
    assert response["Location"] == f"/cases/{accepted.number}/#documents"
    assert verdict(receipt.number, receipt.verification_code) == "revoked"


@pytest.mark.security
def test_documents_are_issued_by_their_change_and_a_get_never_writes(received, client_for):
    """Issue 11 part 9: the receipt exists once the case is received, the acceptance notice once the item is
    accepted — nobody downloaded them; downloading and verifying write nothing; a document that was never issued
    (data from before this rule) answers 404 to a GET and to revoke, until `issue_documents` issues it."""
    receipt = CaseDocument.objects.get(case=received, kind=DocumentKind.RECEIPT)
    issued = received.events.get(action=CaseAction.ISSUE_DOCUMENT, detail__document=receipt.number)
    assert issued.actor == received.received_by
    check = item(received, CHECK)
    assert not CaseDocument.objects.filter(item=check).exists()
    with at("2026-11-23 10:00"):
        approvals.do_accept_item(check, acting_user=reviewer(check))
    notice = CaseDocument.objects.get(item=check, kind=DocumentKind.ACCEPTANCE)
    assert notice.issued_by == reviewer(check)

    def state() -> tuple:
        return (
            list(CaseDocument.objects.order_by("pk").values_list("pk", "status", "status_changed_at")),
            received.events.count(),
        )

    before = state()
    get_pdf(client_for("enterprise"), url(received, DocumentKind.RECEIPT))
    get_pdf(client_for(reviewer(check).username), url(received, DocumentKind.ACCEPTANCE, check.pk))
    assert verdict(notice.number, notice.verification_code) == "current"
    assert state() == before

    receipt.delete()  # as if received before documents were issued by their change
    before = state()
    window = client_for("xinxiang_window")
    assert window.get(url(received, DocumentKind.RECEIPT)).status_code == 404
    assert window.post(f"/documents/case/{received.number}/receipt/revoke/", {"reason": "误发"}).status_code == 404
    assert state() == before
    call_command("issue_documents", stdout=io.StringIO())
    assert CaseDocument.objects.filter(case=received, kind=DocumentKind.RECEIPT).count() == 1
    call_command("issue_documents", stdout=io.StringIO())  # idempotent
    assert CaseDocument.objects.filter(case=received, kind=DocumentKind.RECEIPT).count() == 1
    get_pdf(window, url(received, DocumentKind.RECEIPT))


@pytest.mark.security
def test_a_revoked_document_stays_revoked_when_its_status_column_is_reset(refused, client_for):
    """The revocation is an event of the hash-chained case trail, not only a column (issue 11 part 8)."""
    sign = item(refused, SIGN)
    get_pdf(client_for("enterprise"), url(refused, DocumentKind.REFUSAL, sign.pk))
    document = CaseDocument.objects.get(case=refused, kind=DocumentKind.REFUSAL)
    services.do_revoke_document(document, "误发", acting_user=reviewer(sign))
    CaseDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.CURRENT, status_changed_at=None)
    assert verdict(document.number, document.verification_code) == "revoked"


@pytest.mark.security
def test_a_document_whose_holder_name_was_changed_does_not_verify(received, client_for):
    get_pdf(client_for("enterprise"), url(received, DocumentKind.RECEIPT))
    document = CaseDocument.objects.get(case=received)
    assert verdict(document.number, document.verification_code) == "current"
    content = {**document.content, "applicant": "另一家公司"}
    CaseDocument.objects.filter(pk=document.pk).update(content=content)
    assert verdict(document.number, document.verification_code) == "not_genuine"
