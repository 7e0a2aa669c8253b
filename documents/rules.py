"""The case document's one table (STYLE.md §5; issue 12): issued current, superseded by what happened later (the
platform's own action, e.g. a receipt after a correction notice), or revoked by its issuer; never back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from cases.choices import CaseAction
from cases.rules import ACTION_LABELS
from core.statemachine import StateMachine, action

from .choices import DocumentStatus

SUPERSEDE = "supersede_document"  # the platform: a later step of the case ended what the document said

DOCUMENT = StateMachine(
    "document",
    DocumentStatus,
    (
        action(SUPERSEDE, [DocumentStatus.CURRENT], [DocumentStatus.SUPERSEDED], system=True),
        action(
            CaseAction.REVOKE_DOCUMENT, [DocumentStatus.CURRENT, DocumentStatus.SUPERSEDED], [DocumentStatus.REVOKED]
        ),
    ),
    action_labels={**ACTION_LABELS, SUPERSEDE: gettext_lazy("Superseded")},
    refusal=gettext_lazy("This document is “%(status)s”: “%(action)s” is not possible."),
)
