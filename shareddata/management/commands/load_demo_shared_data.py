from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import ValidationReport
from shareddata.loading import DEMO_DATA_FILE, load_demo_shared_data


class Command(BaseCommand):
    help = (
        "Load the simulated population registry (with family relations and households), market-entity registry, "
        "e-licence library, birth certificates and department records from shareddata/demo_data.yaml; run after "
        "load_catalog and load_demo_accounts. All or nothing; idempotent (a second run writes nothing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_DATA_FILE), help="YAML file (default: %(default)s)")

    def handle(self, *args, **options):
        try:
            result = load_demo_shared_data(Path(options["file"]))
        except ValidationReport as report:
            for problem in report.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"演示共享数据有 {len(report.problems)} 处问题，未写入任何内容。") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"演示共享数据已就绪：人口库 {result.people} 人（家庭关系 {result.relations} 条），"
                f"市场主体库 {result.enterprises} 户，电子证照库 {result.licences} 张，"
                f"出生登记 {result.births} 条，部门记录 {result.records} 条。"
            )
        )
