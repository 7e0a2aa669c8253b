from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "results"
    verbose_name = _("Results, delivery and archive")

    def ready(self) -> None:
        from approvals import services as approval_services
        from cases import services as case_services
        from core.statemachine import register

        from . import rules, services
        from .models import ELicence

        register(ELicence, "status", rules.LICENCE)

        if services.on_item_approved not in approval_services.ON_APPROVED:
            approval_services.ON_APPROVED.append(services.on_item_approved)
        if services.on_item_refused_or_denied not in approval_services.ON_REFUSED_OR_DENIED:
            approval_services.ON_REFUSED_OR_DENIED.append(services.on_item_refused_or_denied)
        if services.on_case_withdrawn not in case_services.ON_WITHDRAWN:
            case_services.ON_WITHDRAWN.append(services.on_case_withdrawn)
