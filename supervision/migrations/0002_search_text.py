from django.db import migrations, models

from portal.search_index import AddSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ('supervision', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='matter',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        AddSearchIndex(model_name="matter", name="matter_search_idx"),
    ]
