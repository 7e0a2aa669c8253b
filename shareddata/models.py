"""Shared data with consent.

- DemoPerson, DemoRelation, DemoEnterprise, DemoLicence, DemoBirth, DemoRecord: the simulated registries and
  department records behind `sources.LocalDemoSource` (demo data only, loaded from demo_data.yaml; a real exchange
  platform replaces them).
- Consent (授权): which source an applicant lets us use, for what purpose, from when until when.
- ApplicantProfileValue (一人一档/一企一档): what the applicant entered before, by data element key (only with the
  profile consent).
- SharedDataEvent: append-only record of every consent and profile change (who, when, what, before/after).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import EncryptedJSONField, EncryptedTextField
from core.trail import ChainedEvent

from .choices import ConsentScope, EventAction, LicenceStatus, Relation

# ---------------------------------------------------------------- simulated registries


class DemoPerson(models.Model):
    """A person in the simulated population registry (人口库)."""

    id_number = models.CharField(_("citizen ID number"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=50)
    values = models.JSONField(_("values"), default=dict, blank=True)  # data element key -> value (text)
    household = models.CharField(_("household number"), max_length=20, blank=True, db_index=True)  # 户号
    householder = models.BooleanField(_("householder"), default=False)  # 户主

    class Meta:
        ordering = ["id_number"]
        verbose_name = _("demo person")
        verbose_name_plural = _("demo people")

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"

    def as_elements(self) -> dict[str, str]:
        return {**self.values, "applicant.id_number": self.id_number, "applicant.name": self.name}


class DemoRelation(models.Model):
    """A family relation in the simulated population registry: `relative` is `person`'s spouse or child.

    The other direction follows (a child's parent, a spouse's spouse) and is not stored.
    """

    person = models.ForeignKey(DemoPerson, on_delete=models.CASCADE, related_name="+")
    relation = models.CharField(
        _("relation"), max_length=10, choices=[(r.value, r.label) for r in (Relation.SPOUSE, Relation.CHILD)]
    )
    relative = models.ForeignKey(DemoPerson, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["person", "relation", "relative"]
        verbose_name = _("demo family relation")
        verbose_name_plural = _("demo family relations")
        constraints = [models.UniqueConstraint(fields=["person", "relative"], name="demo_relation_unique")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_relation_display()} · {self.relative}"


class DemoEnterprise(models.Model):
    """An enterprise in the simulated market-entity registry (市场主体库)."""

    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=100)
    values = models.JSONField(_("values"), default=dict, blank=True)  # data element key -> value (text)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("demo enterprise")
        verbose_name_plural = _("demo enterprises")

    def __str__(self) -> str:
        return f"{self.name} ({self.credit_code})"

    def as_elements(self) -> dict[str, str]:
        return {**self.values, "enterprise.credit_code": self.credit_code, "enterprise.name": self.name}


class DemoLicence(models.Model):
    """An e-licence in the simulated e-licence library (电子证照库)."""

    licence_type = models.CharField(_("licence type"), max_length=100)  # as MaterialType.licence_type: 营业执照
    number = models.CharField(_("licence number"), max_length=60)
    holder_name = models.CharField(_("holder"), max_length=100)
    holder_id = models.CharField(_("holder's ID number or credit code"), max_length=18, db_index=True)
    issuer = models.CharField(_("issuing authority"), max_length=100)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)  # empty: no expiry (长期)
    # valid or revoked; "expired" follows from valid_until when read
    status = models.CharField(_("status"), max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.VALID)

    class Meta:
        ordering = ["holder_id", "licence_type", "number"]
        verbose_name = _("demo e-licence")
        verbose_name_plural = _("demo e-licences")
        constraints = [
            # a household book or a marriage certificate has one number and several holders
            models.UniqueConstraint(fields=["licence_type", "number", "holder_id"], name="demo_licence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.licence_type} {self.number} ({self.holder_name})"

    def status_on(self, day: datetime.date) -> str:
        if self.status == LicenceStatus.VALID and self.valid_until is not None and self.valid_until < day:
            return LicenceStatus.EXPIRED
        return self.status


class DemoBirth(models.Model):
    """A birth as the simulated health authority knows it: the midwifery institution's birth registration
    (出生医学信息登记, made at the birth), and the birth medical certificate (出生医学证明) once it is issued."""

    record_number = models.CharField(_("birth registration number"), max_length=30, unique=True)
    certificate_number = models.CharField(_("certificate number"), max_length=20, blank=True)  # empty until issued
    mother_id_number = models.CharField(_("mother's ID number"), max_length=18, db_index=True)
    father_id_number = models.CharField(_("father's ID number"), max_length=18, blank=True, db_index=True)
    born_on = models.DateField(_("born on"))
    values = models.JSONField(_("values"), default=dict, blank=True)  # newborn.* data element key -> value (text)

    class Meta:
        ordering = ["-born_on", "record_number"]
        verbose_name = _("demo birth record")
        verbose_name_plural = _("demo birth records")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_number"], condition=~Q(certificate_number=""), name="demo_birth_certificate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_number} ({self.born_on})"


class DemoRecord(models.Model):
    """What one department holds about a person or an enterprise, as the data elements of one form section.

    E.g. the social insurance agency's record of 孙七 as a retiree (retiree.contribution_months…), or the health
    authority's death certificate of 孙守义 (deceased.death_date…).
    """

    source = models.CharField(_("source"), max_length=20, choices=ConsentScope.choices)
    holder_id = models.CharField(_("ID number or credit code"), max_length=18)
    section = models.CharField(_("form section"), max_length=40)  # DataElement.section
    values = models.JSONField(_("values"), default=dict, blank=True)  # data element key -> value (text)

    class Meta:
        ordering = ["holder_id", "source", "section"]
        verbose_name = _("demo department record")
        verbose_name_plural = _("demo department records")
        constraints = [
            models.UniqueConstraint(fields=["source", "holder_id", "section"], name="demo_record_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.holder_id} · {self.section}"


# ---------------------------------------------------------------- consent and profile


class Consent(models.Model):
    """An applicant's consent (授权) to use one shared-data source; current until withdrawn."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents")
    scope = models.CharField(_("source"), max_length=20, choices=ConsentScope.choices)
    purpose = models.TextField(_("purpose"))
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "scope"], condition=Q(withdrawn_at__isnull=True), name="consent_one_current_per_scope"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_scope_display()} · {self.granted_at:%Y-%m-%d %H:%M}"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class PartyConsent(models.Model):
    """共同申请: a person lets one named applicant's form use their own data for one one-thing — the other party to a
    marriage being registered, whom no registry knows as the applicant's relative yet. They grant it themselves, from
    their own account (他人信息须经本人同意, 个人信息保护法 第十三条、第十四条); current until withdrawn.

    What it supplies, for the form section `section` only: their account's identity (name, ID number, mobile) and
    their own records in the population registry and the civil-affairs marriage records (their household address,
    their marital status) — shareddata.services.party_values."""

    grantor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="party_consents_given")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="party_consents_received"
    )
    one_thing_code = models.CharField(_("one-thing"), max_length=40)  # OneThing.code: every version of it
    section = models.CharField(_("form section"), max_length=40, default="spouse")
    purpose = models.TextField(_("purpose"))
    granted_at = models.DateTimeField(_("granted at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("co-applicant consent")
        verbose_name_plural = _("co-applicant consents")
        constraints = [
            models.UniqueConstraint(
                fields=["grantor", "grantee", "one_thing_code"],
                condition=Q(withdrawn_at__isnull=True),
                name="party_consent_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.grantee} · {self.one_thing_code}"


class ApplicantProfileValue(models.Model):
    """What the applicant entered before (一人一档/一企一档), by data element key.

    Kept and reused only while the applicant consents to ConsentScope.PROFILE; withdrawing it deletes the rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_values")
    key = models.CharField(_("data element key"), max_length=80)  # DataElement.key, e.g. applicant.mobile
    value = EncryptedTextField(_("value"))  # encrypted at rest (core.crypto)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["user", "key"]
        verbose_name = _("profile value")
        verbose_name_plural = _("profile values")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="profile_value_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.key}"


class SharedDataEvent(ChainedEvent):
    """Append-only record of consent and profile changes: whose data, who acted, when, what, before and after."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shared_data_events"
    )  # the applicant whose consent or profile it is
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    party_consent = models.ForeignKey(
        PartyConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=EventAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=100)  # kept as it was at the time
    at = models.DateTimeField(_("time"))
    before = EncryptedJSONField(_("before"), null=True, blank=True)
    after = EncryptedJSONField(_("after"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("shared-data event")
        verbose_name_plural = _("shared-data events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.get_action_display()}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError("SharedDataEvent is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("SharedDataEvent is append-only.")
