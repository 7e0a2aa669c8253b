"""`manage.py check --deploy` warns when the developer outbox (every message, login codes included) is public."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_dev_outbox(app_configs, **kwargs):
    if getattr(settings, "SHOW_DEV_OUTBOX", False):
        return [
            Warning(
                "The developer outbox (/notifications/outbox/) is on: anyone can read every message, including "
                "login codes.",
                hint="Set YIJIAN_DEV_OUTBOX=0 in production.",
                id="notifications.W001",
            )
        ]
    return []
