from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShareddataConfig(AppConfig):
    name = "shareddata"
    verbose_name = _("Shared data")
