"""`manage.py supervision_report --region CODE --from DATE --to DATE --format json|xlsx|pdf [-o FILE]`: the 通报 of a
region (a county, or a city or the province with every county below) for a period; JSON keys in
docs/supervision.md. JSON goes to stdout unless -o is given; Excel and PDF to -o, else supervision-<code>-<from>-<to>.<format> here."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from regions.models import Region
from supervision import report


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"不是有效日期（YYYY-MM-DD）：{text}") from exc


class Command(BaseCommand):
    help = "电子监察通报：一个区划、一个统计期间的办件量、不予受理、时限、办结率、超期（JSON、Excel 或 PDF）。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--region", required=True, help="区划代码，如 410721")
        parser.add_argument("--from", dest="start", required=True, help="起始日期 YYYY-MM-DD（含）")
        parser.add_argument("--to", dest="end", required=True, help="截止日期 YYYY-MM-DD（含）")
        parser.add_argument("--format", choices=["json", "xlsx", "pdf"], default="json")
        parser.add_argument("-o", "--output", help="输出文件（JSON 默认输出到屏幕；Excel、PDF 默认为当前目录下的文件）")

    def handle(self, *args, **options) -> None:
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"没有区划 {options['region']}。")
        start, end = _date(options["start"]), _date(options["end"])
        if start > end:
            raise CommandError("起始日期晚于截止日期。")
        fmt, output = options["format"], options.get("output")
        data = report.build_report(region, start, end)
        if fmt == "json":
            text = json.dumps(data, ensure_ascii=False, indent=2)
            if output:
                with open(output, "w", encoding="utf-8") as f:
                    f.write(text + "\n")
            else:
                self.stdout.write(text)
            return
        output = output or f"supervision-{region.code}-{start:%Y%m%d}-{end:%Y%m%d}.{fmt}"
        content = report.to_xlsx(data) if fmt == "xlsx" else report.to_pdf(data)
        with open(output, "wb") as f:
            f.write(content)
        self.stderr.write(f"{output}: {len(content)} 字节")
