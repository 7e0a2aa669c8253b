"""verify_trail: walk every audit event chain (core.trail) and report the first broken link of each."""

from django.core.management.base import BaseCommand, CommandError

from core import trail


class Command(BaseCommand):
    help = "Check the hash chains of every audit event table; non-zero exit at the first broken link of any chain."

    def handle(self, *args, **options):
        reports = trail.verify_all()
        broken = [r for r in reports if r.broken is not None]
        for report in reports:
            if report.broken is None:
                self.stdout.write(f"{report.label}: {report.count} events intact")
        if broken:
            for report in broken:
                self.stderr.write(f"{report.label}: broken link at {report.broken}")
            raise CommandError(f"{len(broken)} chain(s) broken.")
        total = sum(r.count for r in reports)
        self.stdout.write(self.style.SUCCESS(f"all chains intact: {total} events"))
