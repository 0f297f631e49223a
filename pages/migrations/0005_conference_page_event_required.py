"""Apart from the data copy in 0004, so that PostgreSQL does not alter a table with pending
foreign-key checks in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pages", "0004_conference_page_event")]

    operations = [
        migrations.RemoveField(model_name="conferencepage", name="ends_on"),
        migrations.RemoveField(model_name="conferencepage", name="location"),
        migrations.RemoveField(model_name="conferencepage", name="organiser"),
        migrations.RemoveField(model_name="conferencepage", name="starts_on"),
        migrations.AlterField(
            model_name="conferencepage",
            name="event",
            field=models.ForeignKey(
                help_text="When and where, and the registration this page shows.",
                on_delete=django.db.models.deletion.PROTECT,
                related_name="conference_pages",
                to="events.event",
                verbose_name="event",
            ),
        ),
    ]
