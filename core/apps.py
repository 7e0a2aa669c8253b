import os
import stat

from django.apps import AppConfig


def private_sqlite_file(sender, connection, **kwargs) -> None:
    """connection_created: the SQLite database file readable by its owner only (0600), however it was created."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:") or not os.path.isfile(name):
        return
    if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
        os.chmod(name, 0o600)


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401  (registers the system checks)

        connection_created.connect(private_sqlite_file, dispatch_uid="core.private_sqlite_file")
