"""Materials and stored PDFs through Django's storage API (settings.STORAGES; README "Deployment").

On an S3-compatible object store — here moto's S3 server, started on a loopback port by the test — the applicant
uploads the materials and files the case through the real pages; the window receives it; the material and the
receipt PDF are downloaded through the real views. Every file lands in the bucket (materials/…, pdfs/…), nothing in
MEDIA_ROOT. On the local filesystem the stored PDFs stay 0600 in 0700 directories, with no URL.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import zoneinfo

import boto3
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse

from cases import services
from cases.models import Case
from cases.tests.test_applicant_views import (
    AT_THE_WINDOW,
    COMMITTED,
    DEFERRED,
    GUIDE_QUERY,
    SHARED,
    VALUES,
    pdf,
    window,
)
from catalog.choices import OneThingStatus
from catalog.models import OneThing
from core import pdf as stored
from core.storage import pdf_storage
from documents.tests.test_documents import pdf_text
from materials.models import Upload
from materials.samples import MINIMAL_PDF
from materials.services import notice_for_draft
from oneform.models import ApplicationDraft
from yijian.settings import s3_storages

pytestmark = pytest.mark.django_db
BUCKET = "yijian-test"
KEYS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    """A fresh bucket on the local S3 server, and the settings a deployment would have (YIJIAN_STORAGE=s3)."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
        region_name=KEYS["region_name"],
    )
    client.create_bucket(Bucket=BUCKET)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = s3_storages(BUCKET, endpoint_url=s3_server, addressing_style="path", **KEYS)
    yield client
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for obj in page.get("Contents", []):
            client.delete_object(Bucket=BUCKET, Key=obj["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return sorted(obj["Key"] for obj in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")))  # a Wednesday
def test_materials_and_pdfs_land_in_the_bucket_and_download_through_the_views(bucket, client_for, settings):
    restaurant = OneThing.objects.get(region__code="410721", name="开办餐饮店", status=OneThingStatus.PUBLISHED)
    code = restaurant.code
    client = client_for("enterprise")
    response = client.post(f"{reverse('oneform:form', args=[code])}?{GUIDE_QUERY}", VALUES)
    assert response.status_code == 302
    draft = ApplicationDraft.objects.get(user__username="enterprise", submitted_at=None)
    materials_url = reverse("materials:page", args=[code])
    uploaded = []
    for line in notice_for_draft(draft).to_submit:
        if line.key in (COMMITTED, DEFERRED):
            continue
        response = client.post(materials_url, {"material": line.key, "file": pdf(f"{line.key}.pdf")})
        assert response.status_code == 302
        uploaded.append(line.key)
    response = client.post(
        materials_url, {"material": COMMITTED, "action": "commit", "signer_name": "王五", "confirm": "1"}
    )
    assert response.status_code == 302
    submit_url = reverse("cases:submit", args=[code])
    key = client.get(submit_url).context["form"].initial["submission_key"]
    response = client.post(submit_url, {"submission_key": key, **AT_THE_WINDOW})
    case = Case.objects.get(applicant__username="enterprise")
    assert response.status_code == 302

    upload_names = sorted(f"materials/{u.file.name}" for u in Upload.objects.filter(draft=draft))
    assert len(upload_names) == len(uploaded) and all(n.startswith("materials/uploads/") for n in upload_names)
    assert keys(bucket) == upload_names  # every upload is an object of the bucket

    services.do_receive_case(case, deferrals={DEFERRED: dt.date(2026, 12, 2)}, acting_user=window())

    response = client.get(reverse("cases:material_file", args=[case.number, SHARED]))
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert body_of(response) == MINIMAL_PDF
    response = client.get(reverse("documents:receipt", args=[case.number]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "收件回执" in pdf_text(response.content)

    pdf_keys = [k for k in keys(bucket) if k.startswith("pdfs/")]
    assert any(k.startswith("pdfs/documents/") and k.endswith("/current.pdf") for k in pdf_keys)
    receipt_key = next(
        k for k in pdf_keys if bucket.get_object(Bucket=BUCKET, Key=k)["Body"].read() == response.content
    )
    assert client.get(reverse("documents:receipt", args=[case.number])).content == response.content  # stored once
    assert [k for k in keys(bucket) if k.startswith("pdfs/")] == pdf_keys and receipt_key in pdf_keys
    assert not os.path.exists(settings.MEDIA_ROOT)  # nothing on the local disk


def test_a_missing_object_reads_as_no_stored_pdf_and_the_first_stored_wins(bucket):
    assert stored.find_stored_pdf("documents/1/current.pdf") is None
    assert stored.store_pdf("documents/1/current.pdf", b"%PDF-first") == b"%PDF-first"
    assert stored.store_pdf("documents/1/current.pdf", b"%PDF-second") == b"%PDF-first"
    assert keys(bucket) == ["pdfs/documents/1/current.pdf"]


def test_on_the_local_filesystem_stored_pdfs_are_private(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    stored.store_pdf("documents/7/current.pdf", b"%PDF-x")
    path = stored.stored_pdf_path("documents/7/current.pdf")
    assert path == tmp_path / "media" / "pdfs" / "documents" / "7" / "current.pdf"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    with pytest.raises(ValueError, match="no URL"):
        pdf_storage().url("documents/7/current.pdf")
    pdf_storage().save("documents/8/current.pdf", ContentFile(b"%PDF-y"))
    with pytest.raises(FileExistsError):  # never a second file beside the first
        pdf_storage().save("documents/8/current.pdf", ContentFile(b"%PDF-z"))
    assert stored.find_stored_pdf("documents/8/current.pdf") == b"%PDF-y"
