from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.trail import ChainedEvent


class CatalogChange(ChainedEvent):
    """Append-only record of every change to the catalog: who, when, what, why, before and after."""

    one_thing = models.ForeignKey(
        "catalog.OneThing", null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    one_thing_code = models.CharField(_("one-thing code"), max_length=40, blank=True, db_index=True)
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(_("actor"), max_length=100)  # kept if the account goes; "system" for loaders
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)  # set before sealing
    reason = models.TextField(_("reason"), blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("catalog change")
        verbose_name_plural = _("catalog changes")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.one_thing_code} v{self.version}"
