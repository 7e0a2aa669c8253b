from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OneformConfig(AppConfig):
    name = "oneform"
    verbose_name = _("One form")
