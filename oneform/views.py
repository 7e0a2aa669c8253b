"""The one form (一表申请) for applicants: GET shows it, POST saves the draft; HTMX autosave; reporting wrong data.

The guide's selection travels in the query string (guidance.forms.GuideQuery), as on the guide pages; without one,
the answers the draft was saved under are used, so a draft resumes on any device. Drafts are per user: there is no
draft id in any URL. Staff accounts get 404 (帮办代办 at the window comes later).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from catalog.models import OneThing
from core.errors import UserFacingError
from guidance import queries as guidance_queries
from guidance.forms import GuideQuery
from guidance.services import PersonalNotice
from shareddata.offers import do_grant_consents
from shareddata.services import PARTY_SECTIONS, PrefilledValue, current_party_consent, prefill_for

from . import consent_offers, services
from .choices import BOOLEAN_VALUES
from .forms import ReportWrongForm, draft_state, has_guide_params, query_from_state
from .models import ApplicationDraft
from .services import MergedField, MergedForm


@dataclass
class FieldView:
    field: MergedField
    value: str
    prefilled: PrefilledValue | None  # set when the value shown is the one a source or the profile supplied
    locked: bool
    error: str


@dataclass
class Page:
    one_thing: OneThing
    notice: PersonalNotice
    form: MergedForm
    draft: ApplicationDraft | None
    prefill: dict[str, PrefilledValue]
    query: str  # the canonical guide query string

    @property
    def locked(self) -> set[str]:
        return {k for k, p in self.prefill.items() if p.authoritative}

    def url(self, name: str) -> str:
        base = reverse(f"oneform:{name}", args=[self.one_thing.code])
        return f"{base}?{self.query}" if self.query else base


def _applicant(request: HttpRequest):
    if not request.user.is_applicant:
        raise Http404
    return request.user


def _page(request: HttpRequest, code: str) -> Page:
    user = _applicant(request)
    one_thing = guidance_queries.get_guide_one_thing(code)
    draft = services.find_draft(user, one_thing)
    if draft is not None and draft.answers and not has_guide_params(request.GET):
        query = query_from_state(draft.answers)
    else:
        query = GuideQuery.from_querydict(request.GET)
    notice = query.notice(one_thing)[0]
    form = services.merge_form(one_thing, notice.selected_items)
    prefill = prefill_for(
        user, form.keys, one_thing_code=one_thing.code, settled=services.settled_by(one_thing, notice.answers)
    )
    return Page(one_thing, notice, form, draft, prefill, GuideQuery.canonical(notice))


def _posted_values(request: HttpRequest, page: Page) -> dict[str, str]:
    """The form's values as posted; a locked value is the source's whatever was sent."""
    values = {k: request.POST[k] for k in page.form.keys if k in request.POST}
    for key in page.locked & set(page.form.keys):
        values[key] = page.prefill[key].value
    return values


def _save(request: HttpRequest, page: Page) -> ApplicationDraft:
    return services.do_save_draft(
        request.user, page.one_thing, draft_state(page.notice), _posted_values(request, page), acting_user=request.user
    )


def _shown_values(page: Page) -> tuple[dict[str, str], dict[str, PrefilledValue]]:
    """key -> the value to show (locked source value, else the draft's, else pre-filled), and where it came from."""
    return services.effective_values(page.form.keys, page.draft.values if page.draft else {}, page.prefill)


def _render(request: HttpRequest, page: Page, errors: dict[str, str], status: int = 200) -> HttpResponse:
    shown, origin = _shown_values(page)
    locked = page.locked
    sections = [
        (
            section,
            [
                FieldView(f, shown[f.key], origin.get(f.key), f.key in locked, errors.get(f.key, ""))
                for f in section.fields
            ],
        )
        for section in page.form.sections
    ]
    context = {
        "page": page,
        "one_thing": page.one_thing,
        "form": page.form,
        "sections": sections,
        "errors": errors,
        "boolean_values": BOOLEAN_VALUES.items(),
        "form_url": page.url("form"),
        "save_url": page.url("save"),
        "report_url": page.url("report"),
        "guide_url": reverse("guidance:guide", args=[page.one_thing.code]) + (f"?{page.query}" if page.query else ""),
        "report_form": ReportWrongForm(),
        "party_consent": (
            current_party_consent(request.user, page.one_thing.code)
            if any(s.key in PARTY_SECTIONS for s in page.form.sections)
            else None
        ),
        "consent_panel": consent_offers.panel_for(request.user, page.form, page.prefill, page.draft),
        "consent_url": page.url("consent"),
        "consent_purpose": consent_offers.purpose_for(page.one_thing),
    }
    return render(request, "oneform/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def one_form(request: HttpRequest, code: str) -> HttpResponse:
    """The merged form. POST saves the draft as typed, then shows every field's message at once."""
    page = _page(request, code)
    if request.method == "GET":
        return _render(request, page, {})
    page.draft = _save(request, page)
    shown, _origin = _shown_values(page)
    errors = services.validate_values(page.form, shown)
    if errors:
        messages.warning(
            request,
            _("Draft saved. %(count)d fields need your attention; see the messages beside them.")
            % {"count": len(errors)},
        )
        return _render(request, page, errors)
    messages.success(request, _("Draft saved. Every field is filled in correctly."))
    return redirect(page.url("form"))


@login_required
@require_POST
def autosave(request: HttpRequest, code: str) -> HttpResponse:
    """HTMX autosave: the same save as the form's submit; answers a small “已保存 HH:MM”."""
    page = _page(request, code)
    draft = _save(request, page)
    if not request.headers.get("HX-Request"):
        return redirect(page.url("form"))
    return render(request, "oneform/_saved.html", {"saved_at": timezone.localtime(draft.updated_at)})


def _keep_typed(request: HttpRequest, page: Page) -> None:
    """Save what the applicant typed since the draft was last saved (posted with a consent button), else nothing."""
    shown, _origin = _shown_values(page)
    typed = {k: v for k, v in _posted_values(request, page).items() if v != shown.get(k, "")}
    if typed:
        page.draft = services.do_save_draft(
            request.user, page.one_thing, draft_state(page.notice), typed, acting_user=request.user
        )


@login_required
@require_POST
def grant_consent(request: HttpRequest, code: str) -> HttpResponse:
    """“授权并填写” / “全部授权” at the top of the form: consent to one offered source (or all of them), then back to the
    same form, answers kept. The buttons belong to the form, so what was typed and not yet saved is saved first, as
    typed; the new pre-fill is never written into the draft."""
    page = _page(request, code)
    offered = consent_offers.panel_for(request.user, page.form, page.prefill, page.draft).offered_scopes
    if request.POST.get("all"):
        scopes = offered
    else:
        scope = request.POST.get("scope", "")
        scopes = [scope] if scope in offered else []
    if not scopes:
        messages.error(
            request,
            _(
                "That source has nothing to add to this form, or you have already consented to it. "
                "You can manage your consents on “My consents”."
            ),
        )
        return redirect(page.url("form"))
    _keep_typed(request, page)
    try:
        consents = do_grant_consents(
            request.user, scopes, acting_user=request.user, purpose=consent_offers.purpose_for(page.one_thing)
        )
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You consented to the use of: %(sources)s. What they hold for this form is filled in below.")
            % {"sources": "、".join(c.get_scope_display() for c in consents)},
        )
    return redirect(page.url("form"))


@login_required
@require_POST
def report_wrong(request: HttpRequest, code: str) -> HttpResponse:
    """“信息有误？”: store the report of a wrong locked value as a DraftEvent (reported_wrong)."""
    page = _page(request, code)
    form = ReportWrongForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(m for errs in form.errors.values() for m in errs))
        return redirect(page.url("form"))
    key = form.cleaned_data["key"]
    if key not in page.locked or key not in page.form.keys:
        raise Http404  # only values a source supplied on this form can be reported
    try:
        services.do_report_wrong_value(
            request.user,
            page.one_thing,
            key,
            page.prefill[key].value,
            form.cleaned_data["comment"],
            acting_user=request.user,
        )
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Thank you. Your report was recorded and will be passed to the department holding the data.")
        )
    return redirect(page.url("form"))
