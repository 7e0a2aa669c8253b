"""The catalog's change log in words (变更记录): what a CatalogChange's before/after records mean, field by field.

A change records either some of a one-thing's fields (edit: the edited fields; publish, retire, supersede: the
status; new_version: the version it started from; adopt: the template) or whole snapshots (services.snapshot: the
one-thing with its items). `describe` turns both into lines "field: before → after" with the fields' Chinese names
and the values as people read them: a choice by its label, a yes/no by 是/否, a list joined, never a key or JSON.
Snapshot against snapshot gives the differences (items added, removed, or changed); a snapshot alone (a load, an
import, a new version) gives what the version holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from .choices import DeliveryMethod
from .models import CatalogChange, OneThing, OneThingItem

# CatalogChange.action -> what was done
ACTION_LABELS = {
    "edit": pgettext_lazy("catalog change", "Edited"),  # 编辑
    "publish": pgettext_lazy("catalog change", "Published"),  # 发布
    "retire": pgettext_lazy("catalog change", "Retired"),  # 停用
    "supersede": pgettext_lazy("catalog change", "Superseded by a newer version"),  # 被新版本替代
    "new_version": pgettext_lazy("catalog change", "New version started"),  # 生成新版本
    "delete_draft": pgettext_lazy("catalog change", "Draft deleted"),  # 删除草稿
    "adopt": pgettext_lazy("catalog change", "Adopted from the province"),  # 承接
    "load": pgettext_lazy("catalog change", "Loaded from the seed list"),  # 导入种子清单
    "import": pgettext_lazy("catalog change", "Imported from Excel"),  # Excel导入
    "set_prerequisites": pgettext_lazy("catalog change", "Prerequisites set"),  # 设置前置事项
    "override_item": pgettext_lazy("catalog change", "Item adjusted locally"),  # 本地调整事项
}

# keys of the records that are not a field's name, or whose field has no translated name
KEY_LABELS = {
    "region": gettext_lazy("Region"),
    "lead": gettext_lazy("Lead department"),
    "lead_department": gettext_lazy("Lead department"),
    "items": pgettext_lazy("catalog change", "Items"),
    "template": gettext_lazy("Adopted from"),
}
ITEM_KEY_LABELS = {"department": gettext_lazy("Department")}
SNAPSHOT_ORDER = ("code", "version", "name", "status", "region", "lead")
ITEM_KEYS = ("department", "level", "mandatory", "promised_days", "origin", "prerequisites")
NOTHING = "—"


@dataclass(frozen=True)
class ChangeLine:
    label: str
    before: str  # "" when the line tells only what is there now (a snapshot alone, an item added)
    after: str  # "" when the line tells only what was there (an item removed, a draft deleted)


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def actor_label(change: CatalogChange) -> str:
    return _("System") if change.actor_label == "system" else change.actor_label


def describe(change: CatalogChange) -> list[ChangeLine]:
    before, after = change.before or {}, change.after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    lines: list[ChangeLine] = []
    if "template" in before:
        lines.append(
            ChangeLine(str(KEY_LABELS["template"]), "", f"{before['template']} v{before.get('template_version', '')}")
        )
    before_snapshot, after_snapshot = "items" in before, "items" in after
    keys = [k for k in SNAPSHOT_ORDER if k in before or k in after]
    keys += [k for k in (*before, *after) if k not in keys and k not in ("items", "template", "template_version")]
    for key in dict.fromkeys(keys):
        if key in before and key in after:
            if before[key] != after[key]:
                lines.append(ChangeLine(_label(key), _value(key, before[key]), _value(key, after[key])))
        elif key in before and not before_snapshot:
            lines.append(ChangeLine(_label(key), _value(key, before[key]), NOTHING))
        elif key in after and not after_snapshot:
            lines.append(ChangeLine(_label(key), NOTHING, _value(key, after[key])))
    if before_snapshot and after_snapshot:
        lines.extend(_item_changes(before["items"], after["items"]))
    elif after_snapshot:
        lines.append(ChangeLine(str(KEY_LABELS["items"]), "", _item_names(after["items"])))
    elif before_snapshot:
        lines.append(ChangeLine(str(KEY_LABELS["items"]), _item_names(before["items"]), ""))
    return lines


def _label(key: str, model: type = OneThing) -> str:
    labels = ITEM_KEY_LABELS if model is OneThingItem else KEY_LABELS
    if key in labels:
        return str(labels[key])
    try:
        return str(model._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _value(key: str, value: Any, model: type = OneThing) -> str:
    if value is None or value == "" or value == []:
        return NOTHING
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if key == "delivery_methods" and isinstance(value, list):
        return "、".join(str(DeliveryMethod(m).label) if m in DeliveryMethod.values else str(m) for m in value)
    if key == "promised_days":
        return _("%(days)s working days") % {"days": value}
    if key == "version":
        return f"v{value}"
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        field = None
    if field is not None and field.choices and not isinstance(value, (list, dict)):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dict):
        return "；".join(f"{k}：{_value(k, v, model)}" for k, v in value.items())
    if isinstance(value, list):
        return "；".join(_list_entry(v) for v in value)
    return str(value)


def _list_entry(value: Any) -> str:
    if isinstance(value, dict) and {"wrong", "right"} <= set(value):  # common_mistakes
        return _("%(wrong)s (right: %(right)s)") % {"wrong": value["wrong"], "right": value["right"]}
    if isinstance(value, dict):
        return "，".join(str(v) for v in value.values() if v not in (None, ""))
    return str(value)


def _item_names(items: list[dict]) -> str:
    names = [str(it.get("name", "")) for it in items]
    return _("%(count)s: %(names)s") % {"count": len(names), "names": "、".join(names)} if names else NOTHING


def _item_changes(before: list[dict], after: list[dict]) -> list[ChangeLine]:
    old = {it.get("name"): it for it in before}
    new = {it.get("name"): it for it in after}
    lines = []
    for name, it in new.items():
        if name not in old:
            lines.append(ChangeLine(_("Item added"), "", f"{name}（{it.get('department', '')}）"))
    for name in old:
        if name not in new:
            lines.append(ChangeLine(_("Item removed"), str(name), ""))
    for name, it in new.items():
        if name not in old:
            continue
        for key in ITEM_KEYS:
            was, now = old[name].get(key), it.get(key)
            if was != now:
                label = f"{name} · {_label(key, OneThingItem)}"
                lines.append(ChangeLine(label, _value(key, was, OneThingItem), _value(key, now, OneThingItem)))
    return lines
