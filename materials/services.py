"""One set of materials (一套材料): one upload per material type of an applicant's draft, used by every item needing it.

notice_for_draft
    The personal notice rebuilt from the draft's saved guide answers (the same state the one form resumes from),
    with the e-licences the applicant actually holds (shareddata.services.licences_for: only with their
    consent to the e-licence library, valid ones only): a material such a licence replaces is exempt, not to be uploaded.

sniff_content_type
    PDF, JPEG or PNG by the file's first bytes; the name and the browser's content type are not trusted.

do_upload_material
    Refuses, writing nothing, a draft of someone else, a material the notice does not ask to submit, an empty file,
    a file over settings.MAX_UPLOAD_BYTES (default 10 MB) and a file that is not PDF/JPG/PNG by content. The file is
    read in chunks once to check and hash it (SHA-256), then stored under a random name. A second upload for the same
    material replaces the first (the old file is deleted after commit); every upload writes an UploadEvent with the
    file before and after.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.models import MaterialType
from core.errors import UserFacingError
from guidance import queries as guidance_queries
from guidance.services import PersonalNotice
from oneform.forms import query_from_state
from oneform.models import ApplicationDraft
from shareddata.services import licences_for

from .choices import ACCEPTED_TYPES, UploadEventAction
from .models import Upload, UploadEvent

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_NAME_LENGTH = 255

SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
HEAD_LENGTH = max(len(s) for s, _t in SIGNATURES)


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def sniff_content_type(head: bytes) -> str | None:
    """The content type of a file starting with these bytes, if it is one of the accepted ones; else None."""
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def held_licence_types(user: User) -> frozenset[str]:
    """Types of the valid e-licences issued to the applicant, read only with their consent to the e-licence
    library (shareddata.services.licences_for); without it every material is to be uploaded."""
    return frozenset(r.type for r in licences_for(user) if r.is_valid)


def notice_for_draft(draft: ApplicationDraft, held: frozenset[str] | None = None) -> PersonalNotice:
    """The notice for the draft's saved answers and the licences the applicant holds."""
    one_thing = guidance_queries.get_guide_one_thing(draft.one_thing.code)
    query = query_from_state(draft.answers or {})
    if held is None:
        held = held_licence_types(draft.user)
    return query.notice(one_thing, held_licence_types=held)[0]


def _check_file(uploaded_file: UploadedFile) -> tuple[str, int, str]:
    """(content type, size, sha256) of an acceptable file, read once in chunks; UserFacingError otherwise."""
    limit = max_upload_bytes()
    too_big = UserFacingError(
        _("The file is too large: at most %(limit)s are accepted.") % {"limit": _human_size(limit)}
    )
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_big
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded_file.chunks():
        if len(head) < HEAD_LENGTH:
            head += chunk[: HEAD_LENGTH - len(head)]
        size += len(chunk)
        if size > limit:
            raise too_big
        digest.update(chunk)
    if size == 0:
        raise UserFacingError(_("The file is empty; choose the file again."))
    content_type = sniff_content_type(head)
    if content_type is None:
        raise UserFacingError(
            _("File type not supported: only PDF, JPG and PNG files are accepted (recognised by their content).")
        )
    return content_type, size, digest.hexdigest()


def _human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 ", " ")
    if size >= 1024:
        return f"{size / 1024:.1f} KB".replace(".0 ", " ")
    return f"{size} B"


def _snapshot(upload: Upload) -> dict:
    return {
        "name": upload.original_name,
        "size": upload.size,
        "sha256": upload.sha256,
        "content_type": upload.content_type,
        "file": upload.file.name,
    }


def do_upload_material(
    draft: ApplicationDraft, material_type: MaterialType, uploaded_file: UploadedFile, *, acting_user: User
) -> Upload:
    """Store the applicant's file for one material of their draft, replacing an earlier one; see the module doc."""
    if acting_user is None or not acting_user.is_authenticated or draft.user_id != acting_user.pk:
        raise UserFacingError(_("You can only upload materials to your own application."))
    if not acting_user.is_applicant:
        raise UserFacingError(_("Only the applicant can change their own application."))
    notice = notice_for_draft(draft)
    if material_type.key not in {m.key for m in notice.to_submit}:
        raise UserFacingError(
            _("“%(name)s” is not a material your application needs to upload.") % {"name": material_type.name}
        )
    content_type, size, sha256 = _check_file(uploaded_file)
    original_name = (uploaded_file.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:MAX_NAME_LENGTH] or "-"

    upload = Upload(
        draft=draft,
        material_type=material_type,
        original_name=original_name,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_at=timezone.now(),
        uploaded_by=acting_user,
    )
    upload.file.save("upload" + ACCEPTED_TYPES[content_type], uploaded_file, save=False)
    stored_name = upload.file.name
    try:
        with transaction.atomic():
            previous = Upload.objects.select_for_update().filter(draft=draft, material_type=material_type).first()
            if previous is None:
                upload.save()
                action, before = UploadEventAction.UPLOADED, None
            else:
                before = _snapshot(previous)
                upload.pk = previous.pk
                upload.save(force_update=True)
                action = UploadEventAction.REPLACED
                old_name = before["file"]
                if old_name and old_name != stored_name:
                    transaction.on_commit(lambda: _delete_file(upload.file.storage, old_name))
            UploadEvent.objects.create(
                upload=upload,
                action=action,
                actor=acting_user,
                actor_label=str(acting_user),
                at=upload.uploaded_at,
                before=before,
                after=_snapshot(upload),
            )
    except Exception:
        _delete_file(upload.file.storage, stored_name)
        raise
    return upload


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # a file left behind is harmless; a failed upload is not
        logger.warning("Could not delete stored upload %s", name)
