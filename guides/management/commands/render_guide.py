"""`python manage.py render_guide CODE --variant full|simple --format html|pdf -o FILE [--guide-version N]`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from guides.rendering import render_guide_html, render_guide_pdf
from guides.services import get_guide_snapshot


class Command(BaseCommand):
    help = "Write the published service guide of a one-thing (current version, or --guide-version N) to a file."

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="one-thing code, e.g. 410721-01-009")
        parser.add_argument("--variant", choices=["full", "simple"], default="full")
        parser.add_argument("--format", dest="fmt", choices=["html", "pdf"], default="pdf")
        parser.add_argument("--guide-version", dest="guide_version", type=int, default=None, help="a published version")
        parser.add_argument("-o", "--output", required=True, help="file to write")

    def handle(self, *args, code: str, variant: str, fmt: str, guide_version: int | None, output: str, **opts) -> None:
        try:
            snapshot = get_guide_snapshot(code, guide_version)
        except Http404:
            which = f"v{guide_version}" if guide_version else "当前版本"
            raise CommandError(f"没有编码为“{code}”（{which}）的已发布办事指南") from None
        pinned = guide_version is not None
        if fmt == "pdf":
            Path(output).write_bytes(render_guide_pdf(snapshot, variant, pinned=pinned))
        else:
            Path(output).write_text(render_guide_html(snapshot, variant, pinned=pinned), encoding="utf-8")
        self.stdout.write(f"{output}：{snapshot.one_thing.name} v{snapshot.one_thing.version}（{variant}，{fmt}）")
