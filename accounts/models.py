from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedCharField
from core.validators import (
    normalize_credit_code,
    normalize_id_number,
    normalize_mobile,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from regions.models import Department, Region

from .choices import AccountKind, StaffRole


class User(AbstractUser):
    """Applicants (natural and legal persons) and staff share one account table.

    A natural person is known by the citizen ID number; a legal person by the unified social credit code, with its
    legal representative and the agent (经办人) who acts for it. Numbers are stored normalized (see `clean_fields`).
    """

    kind = models.CharField(
        _("account kind"), max_length=10, choices=AccountKind.choices, default=AccountKind.NATURAL_PERSON
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    mobile = EncryptedCharField(_("mobile"), blank=True, validators=[validate_mobile])  # encrypted at rest
    # natural persons (自然人)
    id_number = EncryptedCharField(  # 公民身份号码, GB 11643; encrypted at rest (core.crypto)
        _("citizen ID number"), blank=True, validators=[validate_id_number]
    )
    # legal persons (法人)
    credit_code = models.CharField(  # 统一社会信用代码, GB 32100
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)  # 法定代表人
    agent_name = models.CharField(_("agent's name"), max_length=50, blank=True)  # 经办人
    agent_id_number = EncryptedCharField(_("agent's citizen ID number"), blank=True, validators=[validate_id_number])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="user_id_number_unique",
                violation_error_message=_("An account with this citizen ID number already exists."),
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="user_credit_code_unique",
                violation_error_message=_("An account with this unified social credit code already exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean_fields(self, exclude=None) -> None:
        # Normalize before the field checks, so "138 0000 0001" or a lowercase x is judged (and stored) as meant.
        self.id_number = normalize_id_number(self.id_number)
        self.agent_id_number = normalize_id_number(self.agent_id_number)
        self.credit_code = normalize_credit_code(self.credit_code)
        self.mobile = normalize_mobile(self.mobile)
        super().clean_fields(exclude=exclude)

    @property
    def is_staff_member(self) -> bool:
        return self.kind == AccountKind.STAFF

    @property
    def is_applicant(self) -> bool:
        return self.kind in (AccountKind.NATURAL_PERSON, AccountKind.LEGAL_PERSON)

    @property
    def identity_number(self) -> str:
        """The number registries know this applicant by: ID number or credit code ("" if none)."""
        if self.kind == AccountKind.LEGAL_PERSON:
            return self.credit_code
        if self.kind == AccountKind.NATURAL_PERSON:
            return self.id_number
        return ""


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


class OneTimeCode(models.Model):
    """A login code sent by SMS (短信验证码), or a request for one that sent nothing.

    Every request for a code writes a row, whether or not an applicant account has the mobile (then `user` is
    empty and nothing is sent): the rate limits count rows per mobile, so they answer the same for every number.
    The code itself is never stored, only its HMAC (see accounts.otp).
    """

    mobile = EncryptedCharField(_("mobile"))  # encrypted at rest (exact look-ups work: core.crypto)
    user = models.ForeignKey(
        User, verbose_name=_("user"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # the applicant the code was sent to; empty when no applicant account has this mobile
    code_hash = models.CharField(_("code hash"), max_length=64)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("one-time login code")
        verbose_name_plural = _("one-time login codes")
        indexes = [models.Index(fields=["mobile", "-created_at"], name="otp_mobile_recent")]

    def __str__(self) -> str:
        return f"{self.mobile} · {self.created_at:%Y-%m-%d %H:%M:%S}"
