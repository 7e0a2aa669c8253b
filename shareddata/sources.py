"""One interface in front of the shared-data sources: population registry (人口库, with family relations and
households), market-entity registry (市场主体库), e-licence library (电子证照库), the health authority's birth
records (出生医学信息, 出生医学证明), and the departments' records (death certificates, marriage registration, social
insurance, housing provident fund, disability certificates, school enrolment, real estate, tax).

`get_source()` returns the implementation named by the setting SHARED_DATA_SOURCE. The default,
`LocalDemoSource`, reads the demo tables of this app; an adapter for a real exchange platform (数据共享交换平台)
subclasses `SharedDataSource`, maps the platform's fields to data element keys (data/dictionary/) and is
selected by the setting — nothing else changes.

Sources do not check consent or decide whose data may be used: `services.prefill_for` (with `related.Family`) and
`services.licences_for` only ask them when the applicant has a current consent, and only about the applicant's
own related persons.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from core.validators import normalize_credit_code, normalize_id_number

from .choices import LicenceStatus, Relation
from .models import DemoBirth, DemoEnterprise, DemoLicence, DemoPerson, DemoRecord, DemoRelation

DEFAULT_SOURCE = "shareddata.sources.LocalDemoSource"


@dataclass(frozen=True)
class LicenceRecord:
    """One e-licence as the library reports it."""

    type: str  # 证照类型, as MaterialType.licence_type: 居民身份证, 营业执照…
    number: str  # 证照编号
    holder: str  # holder's name
    holder_id: str  # holder's citizen ID number or unified social credit code
    issuer: str  # 发证机关
    issued_on: datetime.date | None
    valid_until: datetime.date | None  # None: no expiry (长期)
    status: str  # LicenceStatus

    @property
    def is_valid(self) -> bool:
        return self.status == LicenceStatus.VALID


@dataclass(frozen=True)
class Relative:
    """A family member as the population registry knows them, from the asking person's point of view."""

    relation: str  # Relation: spouse, child, parent
    id_number: str
    name: str
    same_household: bool  # registered in the same household (同户, the 居民户口簿 shows the relation)


@dataclass(frozen=True)
class Household:
    """A registered household (户), as the population registry knows it."""

    number: str  # 户号
    householder_id_number: str  # 户主; empty if the registry names none
    householder_name: str


@dataclass(frozen=True)
class BirthRecord:
    """A birth as the health authority reports it: the midwifery institution's birth registration (出生医学信息),
    with the birth medical certificate (出生医学证明) once issued."""

    record_number: str
    certificate_number: str  # empty until the certificate is issued (首签: the first item of 新生儿出生)
    mother_id_number: str
    father_id_number: str  # empty if no father is registered
    values: dict[str, str]  # newborn.* data element keys; newborn.birth_certificate_number once issued


class SharedDataSource(ABC):
    """What the platform needs from the shared-data sources.

    Values are text keyed by data element key (e.g. "applicant.hukou_address"); dates are ISO 8601
    ("1990-03-07"), numbers their decimal text. Numbers passed in may be in any case and spacing.
    """

    @abstractmethod
    def lookup_person(self, id_number: str) -> dict[str, str] | None:
        """The population registry's record of a person (applicant.* keys), or None if unknown."""

    @abstractmethod
    def lookup_enterprise(self, credit_code: str) -> dict[str, str] | None:
        """The market-entity registry's record (enterprise.*, legal_person.* keys), or None if unknown."""

    @abstractmethod
    def licences_of(self, holder_id: str) -> list[LicenceRecord]:
        """Every e-licence issued to a person (ID number) or an enterprise (credit code), expired ones included."""

    @abstractmethod
    def relatives_of(self, id_number: str) -> list[Relative]:
        """The population registry's family relations of a person (spouse, children, parents); [] if unknown."""

    @abstractmethod
    def household_of(self, id_number: str) -> Household | None:
        """The household a person is registered in, or None if unknown."""

    @abstractmethod
    def births_to(self, parent_id_number: str) -> list[BirthRecord]:
        """Births registered with the person as mother or father, newest first."""

    @abstractmethod
    def lookup_record(self, scope: str, holder_id: str, section: str) -> dict[str, str] | None:
        """What a department (`scope`: one of choices.DEPARTMENT_SCOPES) holds about a person (ID number) or an
        enterprise (credit code), as the data elements of one form section (e.g. "deceased", "retiree", "tax") that
        the department supplies; None if it holds nothing for that section."""


class LocalDemoSource(SharedDataSource):
    """The demo registries in this database (see demo_data.yaml and `manage.py load_demo_shared_data`)."""

    def lookup_person(self, id_number: str) -> dict[str, str] | None:
        person = DemoPerson.objects.filter(id_number=normalize_id_number(id_number)).first()
        return person.as_elements() if person else None

    def lookup_enterprise(self, credit_code: str) -> dict[str, str] | None:
        enterprise = DemoEnterprise.objects.filter(credit_code=normalize_credit_code(credit_code)).first()
        return enterprise.as_elements() if enterprise else None

    def licences_of(self, holder_id: str) -> list[LicenceRecord]:
        today = timezone.localdate()
        return [
            LicenceRecord(
                type=licence.licence_type,
                number=licence.number,
                holder=licence.holder_name,
                holder_id=licence.holder_id,
                issuer=licence.issuer,
                issued_on=licence.issued_on,
                valid_until=licence.valid_until,
                status=licence.status_on(today),
            )
            # ID numbers and credit codes normalize alike (no spaces, capitals)
            for licence in DemoLicence.objects.filter(holder_id=normalize_id_number(holder_id))
        ]

    def relatives_of(self, id_number: str) -> list[Relative]:
        person = DemoPerson.objects.filter(id_number=normalize_id_number(id_number)).first()
        if person is None:
            return []
        inverse = {Relation.SPOUSE: Relation.SPOUSE, Relation.CHILD: Relation.PARENT}
        found = []
        rows = DemoRelation.objects.filter(Q(person=person) | Q(relative=person)).select_related("person", "relative")
        for row in rows:
            other, relation = (
                (row.relative, row.relation) if row.person_id == person.pk else (row.person, inverse[row.relation])
            )
            same = bool(person.household) and other.household == person.household
            found.append(Relative(relation, other.id_number, other.name, same_household=same))
        return sorted(found, key=lambda r: (r.relation, r.id_number))

    def household_of(self, id_number: str) -> Household | None:
        person = DemoPerson.objects.filter(id_number=normalize_id_number(id_number)).first()
        if person is None or not person.household:
            return None
        head = DemoPerson.objects.filter(household=person.household, householder=True).first()
        return Household(person.household, head.id_number if head else "", head.name if head else "")

    def births_to(self, parent_id_number: str) -> list[BirthRecord]:
        number = normalize_id_number(parent_id_number)
        return [
            BirthRecord(
                record_number=birth.record_number,
                certificate_number=birth.certificate_number,
                mother_id_number=birth.mother_id_number,
                father_id_number=birth.father_id_number,
                values=(
                    {**birth.values, "newborn.birth_certificate_number": birth.certificate_number}
                    if birth.certificate_number
                    else dict(birth.values)
                ),
            )
            for birth in DemoBirth.objects.filter(Q(mother_id_number=number) | Q(father_id_number=number))
        ]  # Meta.ordering: newest first

    def lookup_record(self, scope: str, holder_id: str, section: str) -> dict[str, str] | None:
        record = DemoRecord.objects.filter(
            source=scope, holder_id=normalize_id_number(holder_id), section=section
        ).first()
        return dict(record.values) if record else None


def get_source() -> SharedDataSource:
    """The configured source (setting SHARED_DATA_SOURCE, a dotted path to a SharedDataSource subclass)."""
    path = getattr(settings, "SHARED_DATA_SOURCE", DEFAULT_SOURCE)
    source = import_string(path)()
    if not isinstance(source, SharedDataSource):
        raise ImproperlyConfigured(f"SHARED_DATA_SOURCE {path!r} is not a shareddata.sources.SharedDataSource.")
    return source
