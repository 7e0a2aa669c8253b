import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every catalog test sees the whole seed catalog and the demo accounts, loaded once per test database."""
    with django_db_blocker.unblock():
        call_command("load_catalog", verbosity=0)
        call_command("load_demo_accounts", verbosity=0)
