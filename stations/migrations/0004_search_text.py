from django.db import migrations, models

from portal.search_index import AddSearchIndex


class Migration(migrations.Migration):

    dependencies = [
        ('stations', '0003_list_order_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='receptionmatter',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        AddSearchIndex(model_name="receptionmatter", name="reception_matter_search_idx"),
        migrations.AddField(
            model_name='representative',
            name='search_text',
            field=models.TextField(blank=True, default='', editable=False),
        ),
        AddSearchIndex(model_name="representative", name="representative_search_idx"),
    ]
