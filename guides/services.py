"""Guide snapshots: written when a one-thing version is published, read by every guide page.

A published guide never changes silently: `do_write_guide_snapshot` freezes the content once per version, and the
pages (guides.views) render only from snapshots. The catalog calls `check_guide_complete` and
`do_write_guide_snapshot` from `do_publish_one_thing`; the seed loader (catalog.services.do_load_one_thing) writes
the snapshot of version 1 and publishes every later version through `do_publish_one_thing` (seed one-things listed
with items but not yet fully specified get a snapshot that says which elements are still missing).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from catalog.choices import OneThingStatus
from catalog.models import OneThing
from core.errors import UserFacingError

from .elements import ELEMENT_BY_KEY, build_guide, missing_elements
from .models import GuideSnapshot

__all__ = ["check_guide_complete", "do_write_guide_snapshot", "ensure_guide_snapshot", "get_guide_snapshot"]


def content_hash(content: dict[str, Any]) -> str:
    blob = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def check_guide_complete(one_thing: OneThing) -> None:
    """Refuse (UserFacingError) when the full guide lacks required elements, naming every one of them."""
    missing = missing_elements(one_thing)
    if missing:
        raise UserFacingError(
            _("The service guide of “%(name)s” is incomplete; fill in: %(missing)s")
            % {"name": one_thing.name, "missing": "、".join(missing)}
        )


@transaction.atomic
def do_write_guide_snapshot(one_thing: OneThing) -> GuideSnapshot:
    """Freeze the guide of a published version, once: an existing snapshot is never replaced. A changed seed makes a
    new version with a snapshot of its own (catalog.services.do_load_one_thing), so the guide an older case was
    filed under stays as it was."""
    existing = GuideSnapshot.objects.filter(one_thing=one_thing).first()
    if existing is not None:
        return existing
    content = build_guide(one_thing)
    digest = content_hash(content)
    return GuideSnapshot.objects.create(
        one_thing=one_thing, content=content, content_hash=digest, complete=not content["missing"]
    )


def ensure_guide_snapshot(one_thing: OneThing) -> None:
    """A published version without a snapshot (loaded before guides existed) gets one."""
    if one_thing.status == OneThingStatus.PUBLISHED and not GuideSnapshot.objects.filter(one_thing=one_thing).exists():
        do_write_guide_snapshot(one_thing)


def get_guide_snapshot(code: str, version: int | None = None) -> GuideSnapshot:
    """The snapshot of the current published version of `code` (or of the named version); 404 otherwise."""
    qs = GuideSnapshot.objects.select_related("one_thing__region").filter(one_thing__code=code)
    if version is None:
        qs = qs.filter(one_thing__status=OneThingStatus.PUBLISHED)
    else:
        qs = qs.filter(one_thing__version=version)
    snapshot = qs.order_by("-one_thing__version").first()
    if snapshot is None:
        raise Http404("No published guide")
    return snapshot


def missing_labels(snapshot: GuideSnapshot) -> list[str]:
    return [str(ELEMENT_BY_KEY[k].label) for k in snapshot.missing if k in ELEMENT_BY_KEY]
