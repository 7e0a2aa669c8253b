from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "regions"
    verbose_name = _("Regions and departments")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Region, forget_regions

        post_save.connect(forget_regions, sender=Region, dispatch_uid="forget-regions-saved")
        post_delete.connect(forget_regions, sender=Region, dispatch_uid="forget-regions-deleted")
