import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from catalog.loading import load_catalog
from core.errors import ValidationReport


class Command(BaseCommand):
    help = (
        "Load the seed catalog from data/ (all or nothing; running it again changes nothing; a changed one-thing "
        "that is published becomes a new version)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", default=str(settings.CATALOG_DATA_DIR))
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        try:
            result = load_catalog(Path(options["data_dir"]))
        except ValidationReport as report:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"目录数据有 {len(report.problems)} 处问题，未写入任何内容。") from None
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"区划 {result.regions}，部门 {result.departments}，数据元 {result.data_elements}，"
                    f"材料类型 {result.material_types}，单事项 {result.service_items}；"
                    f"一件事写入 {result.one_things_written}（其中新版本 {result.one_things_new_versions}），"
                    f"未变 {result.one_things_unchanged}，已停用未改 {result.one_things_kept_retired}。"
                )
            )
