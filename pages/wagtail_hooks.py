from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages.models import Statistic


class StatisticViewSet(SnippetViewSet):
    model = Statistic
    icon = "table"
    menu_label = _("Statistics")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["title", "unit", "source_name"]
    search_fields = ["title", "description"]


register_snippet(StatisticViewSet)
