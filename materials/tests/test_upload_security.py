"""Uploads are checked by what they are (materials.filecheck through materials.services.check_file): PDFs parsed
and refused with scripts, actions or embedded files, images decoded and stored re-encoded without metadata, nothing
after the end marker, and a safe download name with the extension of the recognised type."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from accounts.models import User
from catalog.models import MaterialType
from core.errors import UserFacingError
from materials.filecheck import download_name, jpeg_end, png_end
from materials.models import Upload, UploadEvent
from materials.samples import MINIMAL_PDF
from materials.services import check_file, do_upload_material

pytestmark = pytest.mark.security

SHARED = "premises_layout"
ACTIVE = "含有脚本、自动操作或嵌入的文件"
UNREADABLE_PDF = "无法读取该 PDF 文件"
PDF_TRAILING = "该 PDF 文件结尾之后还有多余数据"
IMAGE_TRAILING = "该图片结尾之后还有多余数据"
UNREADABLE_IMAGE = "无法读取该图片"
TYPE_MESSAGE = "文件类型不支持"


def pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def clean_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    return writer


def with_open_action(action: dict) -> bytes:
    writer = clean_writer()
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(DictionaryObject(action))
    return pdf_bytes(writer)


def image_bytes(format: str, *, exif: bool = False, size: tuple[int, int] = (16, 12)) -> bytes:
    image = Image.new("RGB", size, (10, 120, 200))
    params = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x0131] = "secret software"  # Software
        params["exif"] = data.tobytes()
    out = io.BytesIO()
    image.save(out, format, **params)
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refused(content: bytes, name: str = "x.pdf") -> str:
    with pytest.raises(UserFacingError) as exc:
        check_file(upload(name, content))
    return exc.value.message


# ---------------------------------------------------------------- PDF


def test_a_clean_pdf_is_accepted_and_stored_as_sent():
    content = pdf_bytes(clean_writer())
    checked = check_file(upload("申请书.pdf", content))
    assert (checked.content_type, checked.content, checked.name) == ("application/pdf", content, "申请书.pdf")
    assert check_file(upload("x.pdf", MINIMAL_PDF)).content == MINIMAL_PDF


def test_a_pdf_with_a_javascript_open_action_is_refused():
    content = with_open_action(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
    )
    assert ACTIVE in refused(content)


def test_a_pdf_with_javascript_in_its_names_is_refused():
    writer = clean_writer()
    js = writer._add_object(
        DictionaryObject({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    )
    names = DictionaryObject({NameObject("/Names"): writer._add_object(DictionaryObject())})
    names[NameObject("/JavaScript")] = js
    writer._root_object[NameObject("/Names")] = writer._add_object(names)
    assert ACTIVE in refused(pdf_bytes(writer))


def test_a_pdf_with_a_launch_action_is_refused():
    content = with_open_action(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    assert ACTIVE in refused(content)


def test_a_pdf_with_additional_actions_on_a_page_is_refused():
    writer = clean_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): DictionaryObject({NameObject("/S"): NameObject("/URI")})}
    )
    assert ACTIVE in refused(pdf_bytes(writer))


def test_a_pdf_with_an_embedded_file_is_refused():
    writer = clean_writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    assert ACTIVE in refused(pdf_bytes(writer))


def test_a_pdf_with_an_xfa_form_is_refused():
    writer = clean_writer()
    writer._root_object[NameObject("/AcroForm")] = writer._add_object(
        DictionaryObject({NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})
    )
    assert ACTIVE in refused(pdf_bytes(writer))


def test_a_pdf_whose_open_action_is_only_a_destination_is_accepted():
    writer = clean_writer()
    from pypdf.generic import ArrayObject

    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    check_file(upload("x.pdf", pdf_bytes(writer)))


def test_data_appended_after_the_last_eof_is_refused():
    assert PDF_TRAILING in refused(MINIMAL_PDF + b"<script>alert(1)</script>")
    assert PDF_TRAILING in refused(MINIMAL_PDF + b"PK\x03\x04 a zip after the PDF")
    check_file(upload("x.pdf", MINIMAL_PDF + b"\r\n \x00\n"))  # PDF whitespace after %%EOF is allowed


def test_a_truncated_or_garbage_pdf_is_refused():
    assert UNREADABLE_PDF in refused(b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")  # no xref, no catalog
    assert UNREADABLE_PDF in refused(MINIMAL_PDF[: len(MINIMAL_PDF) // 2])  # cut off: no %%EOF
    assert UNREADABLE_PDF in refused(b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n")


def test_an_html_file_renamed_pdf_is_refused():
    assert TYPE_MESSAGE in refused(b"<!DOCTYPE html><html><script>alert(1)</script></html>", name="报告.pdf")


# ---------------------------------------------------------------- images


@pytest.mark.parametrize("format, content_type", [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_an_image_is_accepted_and_stored_re_encoded_without_exif(format, content_type):
    original = image_bytes(format, exif=True)
    assert Image.open(io.BytesIO(original)).getexif()  # the test image does carry EXIF
    checked = check_file(upload("photo.dat", original))
    assert checked.content_type == content_type and checked.content != original
    assert checked.size == len(checked.content) and checked.name == "photo" + {"JPEG": ".jpg", "PNG": ".png"}[format]
    stored = Image.open(io.BytesIO(checked.content))
    assert stored.format == format and stored.size == (16, 12)
    assert not stored.getexif() and "exif" not in stored.info
    assert b"SpyCam" not in checked.content and b"secret software" not in checked.content


def test_an_image_is_turned_upright_by_its_exif_orientation_before_the_exif_goes():
    image = Image.new("RGB", (20, 10), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    stored = Image.open(io.BytesIO(check_file(upload("p.jpg", out.getvalue())).content))
    assert stored.size == (10, 20)


@pytest.mark.parametrize("format", ["JPEG", "PNG"])
def test_an_image_with_trailing_data_is_refused(format):
    assert IMAGE_TRAILING in refused(image_bytes(format) + b"PK\x03\x04hidden zip", name="x.jpg")
    assert IMAGE_TRAILING in refused(image_bytes(format) + b"\xff\xd9", name="x.jpg")


@pytest.mark.parametrize("format", ["JPEG", "PNG"])
def test_an_image_that_does_not_decode_is_refused(format):
    good = image_bytes(format)
    assert UNREADABLE_IMAGE in refused(good[: len(good) - 20])  # truncated: never reaches its end marker
    header = b"\xff\xd8\xff\xe0" if format == "JPEG" else b"\x89PNG\r\n\x1a\n"
    assert UNREADABLE_IMAGE in refused(header + b"\x00" * 64)


def test_the_end_markers_are_found_by_structure():
    png = image_bytes("PNG")
    assert png_end(png) == len(png)
    jpeg = image_bytes("JPEG", size=(64, 64))
    assert jpeg_end(jpeg) == len(jpeg)


def test_an_image_over_the_pixel_limit_is_refused(settings):
    settings.MAX_UPLOAD_IMAGE_PIXELS = 100
    assert "百万像素" in refused(image_bytes("PNG", size=(20, 20)))


# ---------------------------------------------------------------- names


def test_the_stored_name_has_the_extension_of_the_recognised_type():
    assert check_file(upload("报告.exe", MINIMAL_PDF)).name == "报告.pdf"
    assert check_file(upload("扫描件.pdf", image_bytes("PNG"))).name == "扫描件.png"
    assert download_name("../../etc/passwd", "application/pdf") == "passwd.pdf"
    assert download_name("C:\\Users\\me\\证件.JPEG", "image/jpeg") == "证件.jpg"
    assert download_name("invoice\u202efdp.exe", "application/pdf") == "invoice fdp.pdf"  # right-to-left override
    assert download_name('a\r\nX-Evil: 1;"b.pdf', "application/pdf") == "a X-Evil_ 1;_b.pdf"  # no header breaks
    assert download_name("v1.2 final", "application/pdf") == "v1.2 final.pdf"
    assert download_name("", "image/png") == "file.png"
    assert download_name("长" * 400 + ".pdf", "application/pdf") == "长" * 251 + ".pdf"


@pytest.mark.django_db
def test_an_upload_of_a_pdf_named_exe_is_stored_as_pdf(restaurant, draft_of, media_root):
    draft = draft_of("enterprise", restaurant)
    user = User.objects.get(username="enterprise")
    stored = do_upload_material(
        draft, MaterialType.objects.get(key=SHARED), upload("报告.exe", MINIMAL_PDF), acting_user=user
    )
    assert (stored.original_name, stored.content_type) == ("报告.pdf", "application/pdf")
    assert stored.file.name.endswith(".pdf")


@pytest.mark.django_db
def test_an_uploaded_image_is_stored_re_encoded(restaurant, draft_of, media_root):
    draft = draft_of("enterprise", restaurant)
    user = User.objects.get(username="enterprise")
    original = image_bytes("JPEG", exif=True)
    stored = do_upload_material(
        draft, MaterialType.objects.get(key=SHARED), upload("平面图.jpg", original), acting_user=user
    )
    with stored.file.open("rb") as handle:
        on_disk = handle.read()
    assert on_disk != original and b"SpyCam" not in on_disk
    assert stored.size == len(on_disk) and Image.open(io.BytesIO(on_disk)).format == "JPEG"


@pytest.mark.django_db
def test_a_refused_upload_writes_nothing(restaurant, draft_of, media_root):
    draft = draft_of("enterprise", restaurant)
    user = User.objects.get(username="enterprise")
    content = with_open_action({NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")})
    with pytest.raises(UserFacingError):
        do_upload_material(draft, MaterialType.objects.get(key=SHARED), upload("x.pdf", content), acting_user=user)
    assert not Upload.objects.exists() and not UploadEvent.objects.exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))
