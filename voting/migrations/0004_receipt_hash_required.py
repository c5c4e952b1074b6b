# Every stored ballot carries a receipt hash (0003 gave one to the paper ballots), so its
# presence says nothing of the channel.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0003_ballots_converted'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ballot',
            name='receipt_hash',
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
