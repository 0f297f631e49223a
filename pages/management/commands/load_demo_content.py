from django.core.management.base import BaseCommand

from pages.demo_content import load_demo_content


class Command(BaseCommand):
    help = (
        "Loads the Norwegian demo content: the home page as the default site's root, the "
        "section pages, the statistics and the organisation's contact details. Idempotent: "
        "existing pages (by slug under their parent) and statistics (by title) are left as they "
        "are; only what is missing is created and published."
    )

    def handle(self, *args, **options):
        report = load_demo_content()
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
