from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidesConfig(AppConfig):
    name = "guides"
    verbose_name = _("Service guides")

    def ready(self) -> None:
        from catalog.services import GuideHooks, register_guide

        from .elements import missing_elements
        from .services import check_guide_complete, do_write_guide_snapshot, ensure_guide_snapshot

        register_guide(
            GuideHooks(check_guide_complete, missing_elements, do_write_guide_snapshot, ensure_guide_snapshot)
        )
