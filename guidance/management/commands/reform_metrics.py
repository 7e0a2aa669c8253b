"""`manage.py reform_metrics [--json]`: 改革前后效能比对, see guidance/metrics.py for the definitions."""

from __future__ import annotations

import json
import unicodedata

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from guidance.metrics import reform_metrics

HELP = """改革前后效能比对 (reform metrics): one row per published, non-template, fully specified one-thing.

Items: the fullest situation (each visible question answered with the option that brings in the most items);
before and after are over the same items.
Before (items filed one by one): fields_before = form fields summed over the items; materials_before = the
materials the situation needs, counted once per item that needs them; visits_before = 2 per item
(apply, then collect the result); days_before = promised working days summed.
After (the merged one-thing for its demo applicant, the person who would file it — guidance.metrics
DEMO_APPLICANT_FOR_ONE_THING, else `citizen` (natural persons) or `enterprise` (legal persons) — consenting to
every source they may use): fields_after = distinct data elements; prefilled_share = share of them for which
prefill_for actually returns a value for that applicant (2 decimals); materials_after = merged materials still to
submit after exemptions by valid e-licences and by shared-data sources that supplied data for this form; visits_after = 1 if a material still to submit must be given on paper (原件,
原件及复印件) or the result is collected at the window only, else 0; days_after = critical path over
prerequisites. The consents are rolled back: the command changes nothing."""

COLUMNS = [
    ("code", "编码"),
    ("name", "一件事"),
    ("region", "地区"),
    ("fields_before", "字段前"),
    ("fields_after", "字段后"),
    ("prefilled_share", "预填率"),
    ("materials_before", "材料前"),
    ("materials_after", "材料后"),
    ("visits_before", "跑动前"),
    ("visits_after", "跑动后"),
    ("days_before", "时限前"),
    ("days_after", "时限后"),
]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


class Command(BaseCommand):
    help = HELP

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print a JSON list instead of a table.")

    def handle(self, *args, **options):
        try:
            rows = [r.as_dict() for r in reform_metrics()]
        except User.DoesNotExist as exc:
            raise CommandError("演示申请人账号不存在，请先运行 manage.py load_demo_accounts。") from exc
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        cells = [[f"{r[k]:.0%}" if k == "prefilled_share" else str(r[k]) for k, _label in COLUMNS] for r in rows]
        headers = [label for _k, label in COLUMNS]
        widths = [max([_width(h), *(_width(c[i]) for c in cells)]) for i, h in enumerate(headers)]
        numeric = [i >= 3 for i in range(len(COLUMNS))]
        lines = ["  ".join(_pad(h, w, n) for h, w, n in zip(headers, widths, numeric, strict=True))]
        lines.append("  ".join("-" * w for w in widths))
        for c in cells:
            lines.append("  ".join(_pad(v, w, n) for v, w, n in zip(c, widths, numeric, strict=True)))
        self.stdout.write("\n".join(lines))
        self.stdout.write(
            "\n前：各事项逐一办理（字段、所需材料按事项累加，每事项跑动 2 次：申请、领取结果；时限累加）。"
            "\n后：合并后的一件事，由实际会办理该事的演示申请人办理（新生儿出生：母亲李四；退休、残疾人服务、身后一件事："
            "\n    孙七；其他自然人事项：张三；法人：演示企业），已授权全部可用数据源（授权已回滚）；预填率只计数据源"
            "\n    对该申请人实际返回值的字段（含本“一件事”或问卷回答确定的字段）；材料为免交后仍需提交的（共享数据免交限于为本表提供了数据的数据源）；"
            "\n    有材料须交纸质原件或结果只能窗口领取时跑动 1 次，否则 0 次；时限为前置关系上的关键路径。"
            "\n事项：问卷按“最完整情形”作答（每题选引入事项最多的选项）时办理的事项。"
        )
