"""The PDF prerequisites check: quiet on a machine that has Pango and the CJK fonts, a warning per missing piece."""

from __future__ import annotations

from core import checks


def test_quiet_when_pango_and_the_cjk_font_are_there():
    # CI installs fonts-noto-cjk and Pango (.ci/run); the PDF tests of guides and documents depend on both
    assert checks.cjk_font_installed() and checks.pango_loadable()
    assert checks.check_pdf_prerequisites(None) == []


def test_warns_for_each_missing_piece(monkeypatch):
    monkeypatch.setattr(checks, "cjk_font_installed", lambda: False)
    monkeypatch.setattr(checks, "pango_loadable", lambda: False)
    ids = [w.id for w in checks.check_pdf_prerequisites(None)]
    assert ids == ["core.W001", "core.W002"]


def test_no_fontconfig_means_no_font(monkeypatch):
    monkeypatch.setattr(checks.shutil, "which", lambda name: None)
    assert checks.cjk_font_installed() is False
