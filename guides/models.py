from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import OneThing


class GuideSnapshot(models.Model):
    """The service guide (办事指南) of one published one-thing version, frozen when it was published.

    Guide pages render from `content`, never from the live catalog: editing a shared service item later does not
    change a guide already published (a new version gets a new snapshot). `content` is what guides.elements.build_guide
    returns; `content_hash` is the SHA-256 of its canonical JSON.
    """

    one_thing = models.OneToOneField(
        OneThing, on_delete=models.CASCADE, related_name="guide_snapshot", verbose_name=_("one-thing version")
    )
    content = models.JSONField(_("content"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    complete = models.BooleanField(_("complete"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("guide snapshot")
        verbose_name_plural = _("guide snapshots")

    def __str__(self) -> str:
        return f"{self.one_thing.code} v{self.one_thing.version}"

    @property
    def missing(self) -> list[str]:
        return list(self.content.get("missing") or [])
