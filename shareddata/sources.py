"""One interface in front of the shared-data sources: population registry (人口库), market-entity registry
(市场主体库) and e-licence library (电子证照库).

`get_source()` returns the implementation named by the setting SHARED_DATA_SOURCE. The default,
`LocalDemoSource`, reads the demo tables of this app; an adapter for a real exchange platform (数据共享交换平台)
subclasses `SharedDataSource`, maps the platform's fields to data element keys (data/dictionary/) and is
selected by the setting — nothing else changes.

Sources do not check consent: `services.prefill_for` and `services.licences_for` only ask them when the applicant
has a current consent.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.module_loading import import_string

from core.validators import normalize_credit_code, normalize_id_number

from .choices import LicenceStatus
from .models import DemoEnterprise, DemoLicence, DemoPerson

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


def get_source() -> SharedDataSource:
    """The configured source (setting SHARED_DATA_SOURCE, a dotted path to a SharedDataSource subclass)."""
    path = getattr(settings, "SHARED_DATA_SOURCE", DEFAULT_SOURCE)
    source = import_string(path)()
    if not isinstance(source, SharedDataSource):
        raise ImproperlyConfigured(f"SHARED_DATA_SOURCE {path!r} is not a shareddata.sources.SharedDataSource.")
    return source
