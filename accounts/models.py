from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Department, Region

from .choices import AccountKind, StaffRole


class User(AbstractUser):
    """Applicants (natural and legal persons) and staff share one account table."""

    kind = models.CharField(
        _("account kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.NATURAL_PERSON
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    mobile = models.CharField(_("mobile"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_staff_member(self) -> bool:
        return self.kind == AccountKind.STAFF


class RoleAssignment(models.Model):
    """A staff member holds a role in a region, optionally for one department."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="role_assignments")
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region", "department"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        where = self.department or self.region
        return f"{self.user} · {self.get_role_display()} · {where}"
