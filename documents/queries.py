"""The one door to case documents (STYLE.md §9, §11), through the existing doors to cases and tasks.

| who | documents |
|---|---|
| the applicant | every document of their own cases (cases.queries) |
| staff with case.view in the case's region (window, certificate window 发证窗口, lead, supervisor) | every document of the case |
| department reviewers and leads | the acceptance notice and the decision not to accept of their own department's items (approvals.queries, task.decide) |
| anyone else | none |

A document whose record does not exist (the acceptance notice of an item not accepted, a correction round never
issued) and a case the user may not see give the same 404, so case numbers cannot be probed.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from approvals.queries import restrict_items
from cases import queries as case_queries

from .choices import DEPARTMENT_KINDS, DocumentKind
from .services import Source, find_source


def find_document_source(user: User, number: str, kind: str, ref: str = "") -> Source | None:
    if kind not in DocumentKind.values:
        return None
    case = case_queries.find_case(user, number)
    if case is not None:
        return find_source(case, kind, ref)
    if kind in DEPARTMENT_KINDS and str(ref).isdigit():
        item = restrict_items(user, "task.decide").filter(case__number=number, pk=int(ref)).first()
        if item is not None:
            return find_source(item.case, kind, ref)
    return None


def get_document_source(user: User, number: str, kind: str, ref: str = "") -> Source:
    """The source if it exists and `user` may have its document; Http404 otherwise, the same either way."""
    source = find_document_source(user, number, kind, ref)
    if source is None:
        raise Http404("No such document")
    return source
