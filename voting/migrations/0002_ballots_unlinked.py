# A stored ballot no longer carries its channel, and a paper entry no longer points at the
# ballot it stored: both told who cast a ballot (DOMAIN.md §5, ARCHITECTURE.md "Trust").
# Existing data are converted in 0003; receipt hashes become required in 0004. Schema and
# data changes are kept in separate migrations (PostgreSQL refuses ALTER TABLE with
# pending trigger events in one transaction).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0001_initial'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='paperentry',
            name='voting_paper_counted_has_ballot',
        ),
        migrations.RemoveField(
            model_name='paperentry',
            name='ballot',
        ),
        migrations.RemoveField(
            model_name='ballot',
            name='channel',
        ),
        migrations.AlterField(
            model_name='paperentry',
            name='first_reading',
            field=models.JSONField(blank=True, null=True, verbose_name='first reading'),
        ),
    ]
