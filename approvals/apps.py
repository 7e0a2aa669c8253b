from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "approvals"
    verbose_name = _("Department approval")

    def ready(self) -> None:
        from cases import services as case_services
        from core.statemachine import register
        from notifications.links import register_case_links

        from . import links, rules, services
        from .models import JointInspection

        register(JointInspection, "status", rules.INSPECTION)

        if services.on_case_distributed not in case_services.ON_DISTRIBUTED:
            case_services.ON_DISTRIBUTED.append(services.on_case_distributed)
        if services.on_case_withdrawn not in case_services.ON_WITHDRAWN:
            case_services.ON_WITHDRAWN.append(services.on_case_withdrawn)
        register_case_links(30, links.task_links)
