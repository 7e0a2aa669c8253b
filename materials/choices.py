from django.db import models
from django.utils.translation import gettext_lazy as _


class UploadEventAction(models.TextChoices):
    UPLOADED = "uploaded", _("Material uploaded")  # 材料已上传
    REPLACED = "replaced", _("Material replaced")  # 材料已替换


# sniffed content type -> the file name extension it is stored under
ACCEPTED_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}
