from django.db import migrations, models

from portal.search_index import AddSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ('voting', '0004_receipt_hash_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='proposal',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        AddSearchIndex(model_name="proposal", name="proposal_search_idx"),
        migrations.AddField(
            model_name='candidate',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        AddSearchIndex(model_name="candidate", name="candidate_search_idx"),
    ]
