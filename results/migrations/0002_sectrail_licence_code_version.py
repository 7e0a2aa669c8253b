# Licences issued before this migration carry a version-1 code (without the holder's name); new ones version 2.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="elicence",
            name="code_version",
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        migrations.AlterField(
            model_name="elicence",
            name="code_version",
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
    ]
