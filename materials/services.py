"""One set of materials (一套材料): one upload per material type of an applicant's draft, used by every item needing it.

notice_for_draft
    The personal notice rebuilt from the draft's saved guide answers (the same state the one form resumes from),
    with the e-licences the applicant actually holds (shareddata.services.licences_for: only with their
    consent to the e-licence library, valid ones only): a material such a licence replaces is exempt, not to be uploaded.

sniff_content_type
    PDF, JPEG or PNG by the file's first bytes; the name and the browser's content type are not trusted.

check_file
    The one check of every uploaded material (drafts here; scans, replacements and deferred materials of cases):
    an empty file, one over settings.MAX_UPLOAD_BYTES (default 10 MB) and one that is not PDF/JPG/PNG by its first
    bytes are refused; then the file is read as what those bytes say (materials.filecheck): a PDF must parse and
    carry no scripts, actions or embedded files, an image must decode and is re-encoded without metadata, and
    nothing may follow the end marker. The result (CheckedFile) holds the bytes to store, their size and SHA-256,
    and a safe download name with the extension of the recognised type.

do_upload_material
    Refuses, writing nothing, a draft of someone else, a material the notice offers no upload for (only those to
    submit, 容缺 allowed or "if it applies": guidance.materials decides) and a file
    check_file refuses; the checked bytes are stored under a random name. A second upload for the same material
    replaces the first (the old file is deleted after commit); every upload writes an UploadEvent with the file
    before and after.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.permissions import may
from catalog.models import MaterialType
from core.errors import UserFacingError
from guidance import queries as guidance_queries
from guidance.services import PersonalNotice
from oneform.forms import query_from_state
from oneform.models import ApplicationDraft
from shareddata.services import licences_for

from .choices import ACCEPTED_TYPES, UploadEventAction
from .filecheck import check_content, download_name
from .models import Commitment, Upload, UploadEvent

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024

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


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed check_file: what to store, and what to record about it."""

    content_type: str  # by content: one of ACCEPTED_TYPES
    content: bytes  # the bytes to store: a PDF as sent, an image re-encoded without metadata
    size: int  # of content
    sha256: str  # of content
    name: str  # the download name: the applicant's name made safe, with the extension of content_type

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.name)


def check_file(uploaded_file: UploadedFile) -> CheckedFile:
    """The file as it is to be stored, read once in chunks and checked as what its content is
    (materials.filecheck); UserFacingError otherwise. Every upload path goes through here."""
    limit = max_upload_bytes()
    too_big = UserFacingError(
        _("The file is too large: at most %(limit)s are accepted.") % {"limit": human_size(limit)}
    )
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise too_big
    parts: list[bytes] = []
    size = 0
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > limit:
            raise too_big
        parts.append(chunk)
    data = b"".join(parts)
    if size == 0:
        raise UserFacingError(_("The file is empty; choose the file again."))
    content_type = sniff_content_type(data[:HEAD_LENGTH])
    if content_type is None:
        raise UserFacingError(
            _("File type not supported: only PDF, JPG and PNG files are accepted (recognised by their content).")
        )
    content = check_content(data, content_type)
    if len(content) > limit:  # an image may grow when encoded again
        raise too_big
    return CheckedFile(
        content_type=content_type,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        name=download_name(uploaded_file.name, content_type),
    )


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 ", " ")
    if size >= 1024:
        return f"{size / 1024:.1f} KB".replace(".0 ", " ")
    return f"{size} B"


SUBMITTED_MESSAGE = gettext_lazy("This application has been submitted; changes go through its case page.")


def check_may_change(draft: ApplicationDraft, acting_user: User | None) -> None:
    """The applicant on their own open draft, or window staff of the one-thing's region filing for a walk-in."""
    if acting_user is None or not acting_user.is_authenticated:
        raise UserFacingError(_("You can only upload materials to your own application."))
    if draft.user_id != acting_user.pk and not may(acting_user, "case.file_walk_in", draft.one_thing):
        raise UserFacingError(_("You can only upload materials to your own application."))
    if draft.user_id == acting_user.pk and not acting_user.is_applicant:
        raise UserFacingError(_("Only the applicant can change their own application."))
    if draft.channel != (ApplicationDraft.ONLINE if draft.user_id == acting_user.pk else ApplicationDraft.WINDOW):
        # the applicant's own online draft is theirs alone; the window's draft of a walk-in is the window's
        raise UserFacingError(_("You can only upload materials to your own application."))
    draft.refresh_from_db(fields=["submitted_at"])
    if draft.submitted_at is not None:
        raise UserFacingError(str(SUBMITTED_MESSAGE))


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
    check_may_change(draft, acting_user)
    notice = notice_for_draft(draft)
    if material_type.key not in {m.key for m in notice.uploadable}:
        raise UserFacingError(
            _("“%(name)s” is not a material your application needs to upload.") % {"name": material_type.name}
        )
    checked = check_file(uploaded_file)

    upload = Upload(
        draft=draft,
        material_type=material_type,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_at=timezone.now(),
        uploaded_by=acting_user,
    )
    upload.file.save("upload" + ACCEPTED_TYPES[checked.content_type], checked.as_file(), save=False)
    stored_name = upload.file.name
    try:
        with transaction.atomic():
            if not ApplicationDraft.objects.select_for_update().filter(pk=draft.pk, submitted_at__isnull=True).exists():
                raise UserFacingError(str(SUBMITTED_MESSAGE))  # submitted meanwhile
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
        if stored_name:
            _delete_file(upload.file.storage, stored_name)
        raise
    return upload


def _delete_file(storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:  # a file left behind is harmless; a failed upload is not
        logger.warning("Could not delete stored upload %s", name)


COMMITMENT_CONSEQUENCES = [
    # 告知承诺的不利后果 (shown before signing; seeds 003 and 004: the window states them clearly)
    gettext_lazy("If the commitment proves untrue, the approval granted on it may be revoked."),
    gettext_lazy("An untrue commitment is recorded in the credit information system as dishonest conduct."),
    gettext_lazy("The applicant bears the legal liability that follows from an untrue commitment."),
]


def commitment_text(material_name: str, signer: str) -> str:
    """The text the applicant signs in place of a proof (告知承诺书)."""
    consequences = "".join(f"{i}. {c}" for i, c in enumerate(COMMITMENT_CONSEQUENCES, start=1))
    return _(
        "I, %(signer)s, have been told what “%(material)s” must prove, and I commit that I meet that condition. "
        "I understand the consequences of an untrue commitment: %(consequences)s"
    ) % {"signer": signer, "material": material_name, "consequences": consequences}


@transaction.atomic
def do_sign_commitment(
    draft: ApplicationDraft, material_type: MaterialType, signer_name: str, *, acting_user: User
) -> Commitment:
    """The applicant commits (告知承诺) instead of supplying a material the catalog lets them replace so."""
    check_may_change(draft, acting_user)
    line = next((m for m in notice_for_draft(draft).to_submit if m.key == material_type.key), None)
    if line is None:
        raise UserFacingError(
            _("“%(name)s” is not a material your application needs to upload.") % {"name": material_type.name}
        )
    if not line.commitment_allowed:
        raise UserFacingError(_("“%(name)s” cannot be replaced by a commitment.") % {"name": line.title})
    signer_name = (signer_name or "").strip()[:100]
    applicant = draft.user
    accepted = {n for n in (str(applicant), applicant.legal_representative, applicant.agent_name) if n}
    if not signer_name:
        raise UserFacingError(_("Type your name to sign the commitment."))
    if signer_name not in accepted:
        raise UserFacingError(
            _("The commitment must be signed in the name of the applicant, its legal representative or its agent.")
        )
    commitment, created = Commitment.objects.update_or_create(
        draft=draft,
        material_type=material_type,
        defaults={
            "signer_name": signer_name,
            "text": commitment_text(line.title, signer_name),
            "signed_at": timezone.now(),
            "signed_by": acting_user,
        },
    )
    return commitment


@transaction.atomic
def do_cancel_commitment(draft: ApplicationDraft, material_type: MaterialType, *, acting_user: User) -> None:
    check_may_change(draft, acting_user)
    Commitment.objects.filter(draft=draft, material_type=material_type).delete()
