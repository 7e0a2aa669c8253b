"""System checks for what the PDFs need from the machine: Pango (WeasyPrint) and a Chinese font (fonts-noto-cjk).

Without them the platform still serves every page, but a PDF would fail or show empty boxes for Chinese text, so
`manage.py check` (and runserver) say so at start rather than at the first printed receipt.
"""

from __future__ import annotations

import shutil
import subprocess

from django.core.checks import Warning, register

CJK_FONT_FAMILY = "Noto Sans CJK SC"  # what the document stylesheets ask for


def cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    try:
        out = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return CJK_FONT_FAMILY in out


def pango_loadable() -> bool:
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi; OSError when the library is missing)
    except OSError:
        return False
    return True


@register()
def check_pdf_prerequisites(app_configs, **kwargs) -> list[Warning]:
    warnings = []
    if not pango_loadable():
        warnings.append(
            Warning(
                "WeasyPrint cannot load Pango: PDFs (guides, receipts, decisions, e-licences) will fail.",
                hint="apt-get install libpango-1.0-0 libpangoft2-1.0-0 (scripts/setup does it as root)",
                id="core.W001",
            )
        )
    if not cjk_font_installed():
        warnings.append(
            Warning(
                f"No “{CJK_FONT_FAMILY}” font: Chinese text in PDFs would print as empty boxes.",
                hint="apt-get install fonts-noto-cjk (scripts/setup does it as root)",
                id="core.W002",
            )
        )
    return warnings
