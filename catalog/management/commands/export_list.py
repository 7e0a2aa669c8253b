from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.excel import export_one_things
from catalog.models import OneThing
from regions.models import Region


class Command(BaseCommand):
    help = "Export a region's current one-things (published and listed) as an Excel one-thing list (.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("region", help="region code (GB/T 2260), e.g. 410902")
        parser.add_argument("-o", "--output", help="file to write (default: <region>_一件事清单.xlsx)")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"未知区划“{options['region']}”。")
        one_things = (
            OneThing.objects.filter(region=region).current().order_by("batch__number", "seq", "code", "version")
        )
        wb = export_one_things(one_things)
        output = Path(options["output"] or f"{region.code}_一件事清单.xlsx")
        try:
            wb.save(output)
        except OSError as exc:
            raise CommandError(f"无法写入 {output}：{exc.strerror or exc}") from None
        count = one_things.count()
        self.stdout.write(self.style.SUCCESS(f"已将{region.name}的 {count} 件一件事导出到 {output}。"))
