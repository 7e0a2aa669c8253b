from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField
from core.trail import ChainedEvent

from .choices import DraftEventAction


class ApplicationDraft(models.Model):
    """What an applicant has entered on a one-thing's one form so far: one open draft per applicant, one-thing
    version and channel.

    Server-side and keyed by the user, so it resumes on any device. Values are kept as typed, valid or not. The
    applicant's own online draft (channel "online") is theirs alone; a draft that window staff prepare for a walk-in
    (帮办代办, channel "window") is separate, so staff never read or change what the applicant typed online.
    """

    ONLINE, WINDOW = "online", "window"
    CHANNELS = [(ONLINE, _("Online, by the applicant")), (WINDOW, _("At the window, by staff"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="application_drafts")
    one_thing = models.ForeignKey("catalog.OneThing", on_delete=models.PROTECT, related_name="drafts")
    answers = models.JSONField(_("guide answers"), default=dict, blank=True)  # {"q": {...}, "skip": [], "lic": []}
    values = EncryptedJSONField(_("values"), default=dict, blank=True)  # data element key -> value as typed
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNELS, default=ONLINE)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)  # closed: it became a case
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "one_thing", "channel"],
                condition=models.Q(submitted_at__isnull=True),
                name="application_draft_open_unique_per_user_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.one_thing}"


class DraftEvent(ChainedEvent):
    """Append-only history of a draft: who, when, what, and the values of the keys that changed."""

    draft = models.ForeignKey(ApplicationDraft, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=20, choices=DraftEventAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=100)
    at = models.DateTimeField(_("time"))
    field_key = models.CharField(_("field"), max_length=80, blank=True)  # reported_wrong: the data element
    comment = models.TextField(_("comment"), blank=True)
    before = EncryptedJSONField(_("before"), null=True, blank=True)
    after = EncryptedJSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("draft event")
        verbose_name_plural = _("draft events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"
