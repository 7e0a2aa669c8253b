from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        from core.statemachine import register

        from . import rules
        from .models import OneThing

        register(OneThing, "status", rules.ONE_THING)
