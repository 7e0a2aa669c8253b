"""The one-thing's versions (清单的版本) as a state table (issue 12, STYLE.md §5; core/statemachine.py).

A version is listed (名称和部门, not yet specified) or a draft until it is published; publishing a newer version
supersedes the one before (the platform's own action); a published guide is frozen — changing it makes a new version
(new_version leaves this one as it is); a retired one-thing may come back only as a new version.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from core.statemachine import StateMachine, action

from .choices import OneThingStatus

S = OneThingStatus

ACTION_LABELS = {
    "edit": "编辑",
    "publish": "发布",
    "retire": "停用",
    "new_version": "生成新版本",
    "delete_draft": "删除草稿",
    "supersede": "被新版本替代",
    "adopt": "承接",
    "load": "导入种子清单",
}

ONE_THING = StateMachine(
    "one_thing",
    OneThingStatus,
    (
        action("edit", [S.LISTED, S.DRAFT]),
        action("publish", [S.LISTED, S.DRAFT], [S.PUBLISHED]),
        action("retire", [S.LISTED, S.PUBLISHED], [S.RETIRED]),
        action("new_version", [S.PUBLISHED, S.RETIRED]),  # a new draft is made; this version stays as it is
        action("delete_draft", [S.DRAFT]),  # the draft row goes
        action("supersede", [S.PUBLISHED], [S.SUPERSEDED], system=True),  # a newer version was published
    ),
    action_labels=ACTION_LABELS,
    refusal=gettext_lazy("This version is “%(status)s”: “%(action)s” is not possible."),
)

# state -> what catalog staff may do in it (a view of the table, for the management page)
ALLOWED_ACTIONS: dict[str, frozenset[str]] = {str(s): ONE_THING.allowed(s, people_only=True) for s in OneThingStatus}
