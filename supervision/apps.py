from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from cases import kernel
        from core.statemachine import register

        from . import facts, rules
        from .models import Escalation

        register(Escalation, "status", rules.ESCALATION)
        if facts.on_event not in kernel.ON_EVENT:
            kernel.ON_EVENT.append(facts.on_event)
