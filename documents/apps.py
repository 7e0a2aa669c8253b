from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("Case documents")

    def ready(self) -> None:
        from cases import services as case_services
        from core.statemachine import register

        from . import rules, services
        from .models import CaseDocument

        register(CaseDocument, "status", rules.DOCUMENT)

        if services.on_case_event not in case_services.ON_EVENT:
            case_services.ON_EVENT.append(services.on_case_event)
