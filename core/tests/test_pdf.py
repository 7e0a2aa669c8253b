"""core.pdf: offline rendering (no resource from outside the static files) and the cache of frozen PDFs."""

from __future__ import annotations

import io

import pypdf
import pytest

from core import pdf

PAGE = (
    '<html><head><link rel="stylesheet" href="/static/guides/guide.css"></head>'
    "<body style=\"font-family: 'Noto Sans CJK SC'\"><h1>办事指南</h1>{extra}</body></html>"
)


def text_of(content: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_chinese_text_with_a_static_stylesheet_and_nothing_from_a_network(monkeypatch):
    fetched = []
    real_fetch = pdf.finders.find

    def find(name, *args, **kwargs):
        fetched.append(name)
        return real_fetch(name, *args, **kwargs)

    monkeypatch.setattr(pdf.finders, "find", find)
    content = pdf.html_to_pdf(PAGE.format(extra='<img src="http://example.invalid/logo.png">'))
    assert "办事指南" in text_of(content)
    assert fetched == ["guides/guide.css"]  # the remote image was refused, not fetched


def test_the_cache_lays_a_document_out_once_and_follows_its_html_and_stylesheets(settings, tmp_path, monkeypatch):
    settings.PDF_CACHE_DIR = tmp_path / "pdf"
    calls = []
    real = pdf.html_to_pdf
    monkeypatch.setattr(pdf, "html_to_pdf", lambda html: calls.append(html) or real(html))
    first = pdf.html_to_pdf_cached(PAGE.format(extra=""))
    again = pdf.html_to_pdf_cached(PAGE.format(extra=""))
    assert first == again and len(calls) == 1
    assert [p.suffix for p in (tmp_path / "pdf").iterdir()] == [".pdf"]  # no partial file left behind
    other = pdf.html_to_pdf_cached(PAGE.format(extra="<p>第二版</p>"))
    assert len(calls) == 2 and "第二版" in text_of(other)

    # a changed stylesheet is a different document
    real_find = pdf.finders.find
    changed = tmp_path / "guide.css"
    changed.write_text("h1 { color: red }")
    monkeypatch.setattr(
        pdf.finders, "find", lambda name, *a, **k: str(changed) if name == "guides/guide.css" else real_find(name)
    )
    pdf.html_to_pdf_cached(PAGE.format(extra=""))
    assert len(calls) == 3


@pytest.mark.parametrize("name", ["guides/guide.css", "../../etc/passwd"])
def test_the_fetcher_serves_only_static_files(name):
    fetcher = pdf._fetcher()
    url = pdf.DOCUMENT_ORIGIN + "static/" + name
    if name.startswith(".."):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    else:
        assert fetcher.fetch(url).read()
