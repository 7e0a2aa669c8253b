"""One set of materials: services and the page, as the demo applicants."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from catalog.models import MaterialType
from core.errors import UserFacingError
from materials.choices import UploadEventAction
from materials.models import Upload, UploadEvent
from materials.samples import MINIMAL_PDF, sample_image
from materials.services import do_upload_material, notice_for_draft, sniff_content_type
from shareddata.choices import ConsentScope
from shareddata.services import do_grant_consent

pytestmark = pytest.mark.django_db

PDF = MINIMAL_PDF
PNG = sample_image("PNG")
JPEG = sample_image("JPEG")
TYPE_MESSAGE = "文件类型不支持：仅接受 PDF、JPG、PNG 文件（按文件内容识别）"
SHARED = "premises_layout"  # 经营场所平面图: 食品经营许可 and the fire check both need it


def page_url(code: str) -> str:
    return reverse("materials:page", args=[code])


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def test_sniff_content_type_reads_the_content_not_the_name():
    assert sniff_content_type(PDF[:8]) == "application/pdf"
    assert sniff_content_type(JPEG[:8]) == "image/jpeg"
    assert sniff_content_type(PNG[:8]) == "image/png"
    assert sniff_content_type(b"MZ\x90\x00\x03\x00") is None  # a Windows executable
    assert sniff_content_type(b"hello, world") is None
    assert sniff_content_type(b"") is None


def consent_to_licences(username: str) -> None:
    user = User.objects.get(username=username)
    do_grant_consent(user, ConsentScope.E_LICENCE, acting_user=user, purpose="材料免交")


def test_without_consent_no_licence_is_read_and_everything_is_to_upload(client_for, restaurant, draft_of):
    draft_of("enterprise", restaurant)
    response = client_for("enterprise").get(page_url(restaurant.code))
    assert "business_licence" in {r.line.key for r in response.context["to_submit"]}
    assert not response.context["notice"].exempt


def test_shared_material_is_uploaded_once_and_serves_both_items(client_for, restaurant, draft_of, media_root):
    draft = draft_of("enterprise", restaurant)
    consent_to_licences("enterprise")
    line = next(m for m in notice_for_draft(draft).to_submit if m.key == SHARED)
    assert set(line.items) == {"食品经营许可", "公众聚集场所投入使用、营业前消防安全检查"}

    client = client_for("enterprise")
    response = client.post(
        page_url(restaurant.code), {"material": SHARED, "file": SimpleUploadedFile("平面图.pdf", PDF, "text/plain")}
    )
    assert response.status_code == 302
    upload = Upload.objects.get(draft=draft)
    assert upload.material_type.key == SHARED
    assert upload.content_type == "application/pdf"  # sniffed, whatever the browser said
    assert upload.size == len(PDF)
    assert len(stored_files(media_root)) == 1

    response = client.get(page_url(restaurant.code))
    body = response.content.decode()
    row = next(r for r in response.context["to_submit"] if r.line.key == SHARED)
    assert row.upload == upload
    assert set(row.line.items) == {"食品经营许可", "公众聚集场所投入使用、营业前消防安全检查"}
    assert [r.line.key for r in response.context["to_submit"] if r.upload] == [SHARED]  # one upload, both items
    assert body.count("已上传：平面图.pdf") == 1
    assert upload.sha256[:12] in body
    assert "食品经营许可、公众聚集场所投入使用、营业前消防安全检查" in body
    # the enterprise holds a 营业执照 e-licence: the business licence is not to be uploaded
    assert "business_licence" not in {r.line.key for r in response.context["to_submit"]}
    assert "business_licence" in {m.key for m in response.context["notice"].exempt}
    assert "持有电子证照：营业执照" in body


@pytest.mark.parametrize(
    "name,content",
    [("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100), ("scan.pdf", b"just some text\n")],
)
def test_renamed_file_is_refused_by_content_and_nothing_is_written(
    client_for, restaurant, draft_of, media_root, name, content
):
    draft_of("enterprise", restaurant)
    with pytest.raises(UserFacingError) as exc:
        do_upload_material(
            draft_of("enterprise", restaurant),
            MaterialType.objects.get(key=SHARED),
            SimpleUploadedFile(name, content, "application/pdf"),
            acting_user=User.objects.get(username="enterprise"),
        )
    assert exc.value.message == TYPE_MESSAGE
    response = client_for("enterprise").post(
        page_url(restaurant.code), {"material": SHARED, "file": SimpleUploadedFile(name, content, "application/pdf")}
    )
    assert response.status_code == 302
    assert not Upload.objects.exists()
    assert not UploadEvent.objects.exists()
    assert stored_files(media_root) == []


def test_refusal_message_is_shown_on_the_page(client_for, restaurant, draft_of):
    draft_of("enterprise", restaurant)
    client = client_for("enterprise")
    response = client.post(
        page_url(restaurant.code),
        {"material": SHARED, "file": SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")},
        follow=True,
    )
    assert TYPE_MESSAGE in response.content.decode()


def test_oversize_and_empty_files_are_refused(settings, restaurant, draft_of, media_root):
    settings.MAX_UPLOAD_BYTES = len(PDF) + 100
    draft = draft_of("enterprise", restaurant)
    user = User.objects.get(username="enterprise")
    material = MaterialType.objects.get(key=SHARED)
    with pytest.raises(UserFacingError) as exc:
        do_upload_material(draft, material, SimpleUploadedFile("big.pdf", PDF + b"x" * 200), acting_user=user)
    assert "文件过大" in exc.value.message
    with pytest.raises(UserFacingError) as exc:
        do_upload_material(draft, material, SimpleUploadedFile("empty.pdf", b""), acting_user=user)
    assert "文件为空" in exc.value.message
    assert not Upload.objects.exists() and not UploadEvent.objects.exists()
    assert stored_files(media_root) == []
    assert do_upload_material(draft, material, SimpleUploadedFile("ok.pdf", PDF), acting_user=user).size == len(PDF)


def test_material_not_needed_is_refused(restaurant, draft_of):
    draft = draft_of("enterprise", restaurant)
    consent_to_licences("enterprise")
    user = User.objects.get(username="enterprise")
    notice = notice_for_draft(draft)
    assert "marriage_certificate" not in {m.key for m in notice.materials}
    for key in ("business_licence", "marriage_certificate"):  # replaced by an e-licence; no item asks for it
        with pytest.raises(UserFacingError):
            do_upload_material(
                draft, MaterialType.objects.get(key=key), SimpleUploadedFile("x.pdf", PDF), acting_user=user
            )
    assert not Upload.objects.exists()


def test_reupload_replaces_and_records_the_event(restaurant, draft_of, media_root, django_capture_on_commit_callbacks):
    draft = draft_of("enterprise", restaurant)
    user = User.objects.get(username="enterprise")
    material = MaterialType.objects.get(key=SHARED)
    first = do_upload_material(draft, material, SimpleUploadedFile("v1.pdf", PDF), acting_user=user)
    with django_capture_on_commit_callbacks(execute=True):
        second = do_upload_material(draft, material, SimpleUploadedFile("v2.png", PNG), acting_user=user)
    assert Upload.objects.filter(draft=draft).count() == 1
    assert second.pk == first.pk
    upload = Upload.objects.get(draft=draft)
    assert (upload.original_name, upload.content_type) == ("v2.png", "image/png")
    assert len(stored_files(media_root)) == 1  # the replaced file is deleted
    events = list(UploadEvent.objects.filter(upload=upload).order_by("id"))
    assert [e.action for e in events] == [UploadEventAction.UPLOADED, UploadEventAction.REPLACED]
    assert events[0].before is None and events[0].after["sha256"] == first.sha256
    assert events[1].before["sha256"] == first.sha256
    assert events[1].after["sha256"] == upload.sha256 != first.sha256
    assert events[1].actor == user


def test_another_applicant_cannot_see_or_upload_to_the_draft(client_for, restaurant, draft_of):
    draft = draft_of("enterprise", restaurant)
    owner = User.objects.get(username="enterprise")
    do_upload_material(
        draft, MaterialType.objects.get(key=SHARED), SimpleUploadedFile("mine.pdf", PDF), acting_user=owner
    )
    other = User.objects.get(username="citizen")
    with pytest.raises(UserFacingError):
        do_upload_material(
            draft, MaterialType.objects.get(key=SHARED), SimpleUploadedFile("x.pdf", PDF), acting_user=other
        )

    client = client_for("citizen")
    response = client.get(page_url(restaurant.code))
    assert response.status_code == 200
    assert response.context["draft"] is None  # their own (empty) state
    assert "mine.pdf" not in response.content.decode()
    response = client.post(page_url(restaurant.code), {"material": SHARED, "file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 404  # no draft of their own to upload to
    assert Upload.objects.get().original_name == "mine.pdf"
    assert UploadEvent.objects.count() == 1


def test_staff_get_404_and_anonymous_are_sent_to_log_in(client_for, restaurant, draft_of):
    draft_of("enterprise", restaurant)
    assert client_for("admin").get(page_url(restaurant.code)).status_code == 404
    staff = User.objects.exclude(username="admin").filter(roles__isnull=False).first().username
    assert client_for(staff).get(page_url(restaurant.code)).status_code == 404
    assert client_for(staff).post(page_url(restaurant.code), {"material": SHARED}).status_code == 404
    assert client_for(None).get(page_url(restaurant.code)).status_code == 302
