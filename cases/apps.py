from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from core.statemachine import register
        from notifications.links import register_case_links

        from . import links, rules
        from .models import Case, CaseItem, CaseMaterial

        register(Case, "status", rules.CASE)
        register(CaseItem, "status", rules.ITEM)
        register(CaseMaterial, "state", rules.MATERIAL)
        register_case_links(10, links.window_links)
        register_case_links(20, links.case_page_links)
