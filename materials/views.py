"""The one set of materials for the applicant's own draft of a one-thing: GET shows it, POST uploads one file.

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
from guidance.choices import ExemptionKind
from guidance.services import MaterialLine
from oneform.services import find_draft

from . import services
from .choices import ACCEPTED_TYPES
from .models import Upload


@dataclass
class MaterialRow:
    line: MaterialLine
    upload: Upload | None


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
        uploaded = request.FILES.get("file")
        if material_type is None:
            raise Http404
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

    context = {
        "one_thing": one_thing,
        "draft": draft,
        "form_url": reverse("oneform:form", args=[one_thing.code]),
        "max_size": services._human_size(services.max_upload_bytes()),
        "accept": ",".join(sorted(ACCEPTED_TYPES.values())),
    }
    if draft is not None:
        notice = services.notice_for_draft(draft)
        uploads = {u.material_type.key: u for u in draft.uploads.select_related("material_type")}
        context.update(
            notice=notice,
            to_submit=[MaterialRow(m, uploads.get(m.key)) for m in notice.to_submit],
            by_licence=[
                m for m in notice.exempt if m.exemption is not None and m.exemption.kind == ExemptionKind.E_LICENCE
            ],
            by_shared_data=[
                m for m in notice.exempt if m.exemption is not None and m.exemption.kind == ExemptionKind.SHARED_DATA
            ],
        )
    return render(request, "materials/page.html", context)
