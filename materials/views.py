"""The one set of materials for the applicant's own draft of a one-thing: GET shows it; POST uploads one file, or
signs / withdraws a commitment (告知承诺) in place of a material where the catalog allows it.

There is no draft id in any URL: the draft is always the logged-in applicant's own. Staff accounts get 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from catalog.models import MaterialType
from core.errors import UserFacingError
from guidance import queries as guidance_queries
from guidance.services import MaterialLine
from oneform.services import find_draft

from . import services
from .choices import ACCEPTED_TYPES
from .models import Commitment, Upload


@dataclass
class MaterialRow:
    line: MaterialLine
    upload: Upload | None
    commitment: Commitment | None = None
    commitment_error: str = ""  # a field message of a refused signing
    signer_name: str = ""  # as typed, kept after a refusal

    @property
    def may_commit(self) -> bool:
        """告知承诺 is offered where every item needing the material allows it, unless a file is already there."""
        return self.line.to_upload and self.line.commitment_allowed and self.upload is None

    @property
    def commitment_preview(self) -> str:
        return services.commitment_text(self.line.title, _("(the signer's name)"))


def _context(request: HttpRequest, one_thing, draft, commit_errors: dict[str, tuple[str, str]] | None = None) -> dict:
    context = {
        "one_thing": one_thing,
        "draft": draft,
        "form_url": reverse("oneform:form", args=[one_thing.code]),
        "submit_url": reverse("cases:submit", args=[one_thing.code]),
        "max_size": services.human_size(services.max_upload_bytes()),
        "accept": ",".join(sorted(ACCEPTED_TYPES.values())),
        "consequences": services.COMMITMENT_CONSEQUENCES,
    }
    if draft is not None:
        commit_errors = commit_errors or {}
        notice = services.notice_for_draft(draft)
        uploads = {u.material_type.key: u for u in draft.uploads.select_related("material_type")}
        commitments = {c.material_type.key: c for c in draft.commitments.select_related("material_type")}
        rows = []
        for m in notice.uploadable:
            error, typed = commit_errors.get(m.key, ("", ""))
            rows.append(MaterialRow(m, uploads.get(m.key), commitments.get(m.key), error, typed))
        context.update(
            notice=notice,
            to_submit=[r for r in rows if r.line.to_upload],
            if_applies=[r for r in rows if not r.line.to_upload],
            provided=notice.provided,
        )
    return context


def _commit(request: HttpRequest, one_thing, draft, material_type: MaterialType, page_url: str) -> HttpResponse:
    """以告知承诺代替: the applicant confirms they read the consequences and signs with their name."""
    signer = request.POST.get("signer_name", "").strip()
    error = ""
    if not request.POST.get("confirm"):
        error = _("Confirm that you have read the consequences of an untrue commitment.")
    else:
        try:
            services.do_sign_commitment(draft, material_type, signer, acting_user=request.user)
        except UserFacingError as exc:
            error = exc.message
    if error:
        messages.error(request, error)
        context = _context(request, one_thing, draft, {material_type.key: (error, signer)})
        return render(request, "materials/page.html", context)
    messages.success(request, _("Your commitment replaces “%(material)s”.") % {"material": material_type.name})
    return redirect(f"{page_url}#m-{material_type.key}")


def _cancel_commitment(request: HttpRequest, draft, material_type: MaterialType, page_url: str) -> HttpResponse:
    try:
        services.do_cancel_commitment(draft, material_type, acting_user=request.user)
    except UserFacingError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("The commitment for “%(material)s” was withdrawn; upload the material instead.")
            % {"material": material_type.name},
        )
    return redirect(f"{page_url}#m-{material_type.key}")


@login_required
@require_http_methods(["GET", "POST"])
def materials_page(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    if not user.is_applicant:
        raise Http404
    one_thing = guidance_queries.get_guide_one_thing(code)
    draft = find_draft(user, one_thing)
    page_url = reverse("materials:page", args=[one_thing.code])
    if request.method == "POST":
        if draft is None:
            raise Http404
        material_type = MaterialType.objects.filter(key=request.POST.get("material", "")).first()
        if material_type is None:
            raise Http404
        action = request.POST.get("action", "upload")
        if action == "commit":
            return _commit(request, one_thing, draft, material_type, page_url)
        if action == "cancel_commitment":
            return _cancel_commitment(request, draft, material_type, page_url)
        uploaded = request.FILES.get("file")
        if uploaded is None:
            messages.error(request, _("Choose a file to upload."))
            return redirect(page_url)
        try:
            upload = services.do_upload_material(draft, material_type, uploaded, acting_user=user)
        except UserFacingError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("“%(file)s” was uploaded for %(material)s.")
                % {"file": upload.original_name, "material": material_type.name},
            )
        return redirect(f"{page_url}#m-{material_type.key}")
    return render(request, "materials/page.html", _context(request, one_thing, draft))
