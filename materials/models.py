import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.trail import ChainedEvent

from .choices import ACCEPTED_TYPES, UploadEventAction


def upload_path(instance: "Upload", filename: str) -> str:
    """Stored under a random name (the applicant's file name is kept in original_name, never in a path)."""
    extension = ACCEPTED_TYPES.get(instance.content_type, "")
    return f"uploads/{instance.draft_id}/{uuid.uuid4().hex}{extension}"


class Upload(models.Model):
    """The one file an applicant submits for one material type of a draft; every item needing it uses it.

    A new upload for the same material replaces this one (same row); UploadEvent keeps the history.
    """

    draft = models.ForeignKey("oneform.ApplicationDraft", on_delete=models.CASCADE, related_name="uploads")
    material_type = models.ForeignKey("catalog.MaterialType", on_delete=models.PROTECT, related_name="uploads")
    file = models.FileField(_("file"), upload_to=upload_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=50)  # sniffed from the content
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draft", "material_type"]
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")
        constraints = [
            models.UniqueConstraint(fields=["draft", "material_type"], name="upload_unique_per_draft_material"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · {self.material_type} · {self.original_name}"

    @property
    def hash_prefix(self) -> str:
        return self.sha256[:12]


class UploadEvent(ChainedEvent):
    """Append-only history of uploads: who, when, which material, and the file before and after."""

    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=UploadEventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=100)
    at = models.DateTimeField(_("time"))
    before = models.JSONField(_("before"), null=True, blank=True)  # {"name", "size", "sha256", "content_type"}
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("upload event")
        verbose_name_plural = _("upload events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class Commitment(models.Model):
    """告知承诺书: the applicant commits to a condition instead of proving it with a material, where allowed.

    Signed on the draft; the case copies the text when it is filed. Signing again replaces it.
    """

    draft = models.ForeignKey("oneform.ApplicationDraft", on_delete=models.CASCADE, related_name="commitments")
    material_type = models.ForeignKey("catalog.MaterialType", on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("signed by (name)"), max_length=100)
    text = models.TextField(_("commitment"))
    signed_at = models.DateTimeField(_("signed at"))
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["draft", "material_type"]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.UniqueConstraint(fields=["draft", "material_type"], name="commitment_unique_per_draft_material"),
        ]

    def __str__(self) -> str:
        return f"{self.draft} · {self.material_type}"
