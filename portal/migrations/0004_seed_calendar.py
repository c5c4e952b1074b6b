from django.db import migrations


def seed(apps, schema_editor):
    from portal.calendar import seed_from_package

    seed_from_package(apps.get_model("portal", "CalendarDay"), apps.get_model("portal", "CalendarYear"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_calendar")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
