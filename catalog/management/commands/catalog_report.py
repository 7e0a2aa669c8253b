import json

from django.core.management.base import BaseCommand

from catalog.reports import catalog_report


class Command(BaseCommand):
    help = "Print the catalog's shape: per region one-things, fully specified, listed only, items, departments."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="machine-readable JSON")

    def handle(self, *args, **options):
        report = catalog_report()
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        header = f"{'代码':<8}{'区划':<8}{'一件事':>6}{'完整':>6}{'仅名称':>6}{'单事项':>6}{'部门':>6}"
        self.stdout.write(header)
        for r in report["regions"]:
            self.stdout.write(
                f"{r['code']:<8}{r['name']:<8}{r['one_things']:>6}{r['fully_specified']:>6}"
                f"{r['listed_only']:>6}{r['items']:>6}{r['departments']:>6}"
            )
        self.stdout.write(f"数据元 {report['data_elements']}，材料类型 {report['material_types']}")
