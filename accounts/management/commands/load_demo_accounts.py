from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, load_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (one per role and seed county); run after load_catalog. Idempotent."

    def handle(self, *args, **options):
        count = load_demo_accounts()
        self.stdout.write(self.style.SUCCESS(f"演示账号已就绪（共 {count} 个账号，密码 {DEMO_PASSWORD}）。"))
