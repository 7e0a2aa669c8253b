from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from catalog.excel import import_one_thing_list
from core.errors import ValidationReport
from regions.models import Region


class Command(BaseCommand):
    help = "Import an Excel one-thing list (.xlsx) into a region's batch: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("region", help="region code (GB/T 2260), e.g. 410902")
        parser.add_argument("file", help="the .xlsx file")
        parser.add_argument("--batch", type=int, required=True, help="batch number (第N批); created if new")
        parser.add_argument("--batch-name", default="", help="name of the batch, needed when it is new")
        parser.add_argument("--user", help="username recorded as having made the import (default: system)")

    def handle(self, *args, **options):
        region = Region.objects.filter(code=options["region"]).first()
        if region is None:
            raise CommandError(f"未知区划“{options['region']}”。")
        acting_user = None
        if options["user"]:
            acting_user = User.objects.filter(username=options["user"]).first()
            if acting_user is None:
                raise CommandError(f"未知用户“{options['user']}”。")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件 {path}。")
        try:
            result = import_one_thing_list(
                path,
                region,
                acting_user=acting_user,
                batch_number=options["batch"],
                batch_name=options["batch_name"],
            )
        except ValidationReport as report:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{path.name} 共有 {len(report.problems)} 处问题，未写入任何内容。") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已导入{region.name}第{result.batch.number}批（{result.batch.name}）："
                f"一件事 {result.one_things} 件，联办事项 {result.items} 项，新建单事项 {result.service_items_created} 个。"
            )
        )
