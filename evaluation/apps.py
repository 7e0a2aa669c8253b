from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = _("Ratings and complaints")

    def ready(self) -> None:
        from cases import kernel
        from core.statemachine import register

        from . import rules, services
        from .models import Complaint, Rectification

        register(Rectification, "status", rules.RECTIFICATION)
        register(Complaint, "status", rules.COMPLAINT)
        if services.on_case_event not in kernel.ON_EVENT:
            kernel.ON_EVENT.append(services.on_case_event)
