from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from pages import newsletter_admin
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


@hooks.register("register_admin_urls")
def register_newsletter_admin_urls():
    return [
        path(
            "newsletters/<int:page_id>/send/",
            newsletter_admin.NewsletterSendView.as_view(),
            name="newsletter_send",
        )
    ]


@hooks.register("register_page_header_buttons")
def newsletter_header_buttons(page, user, view_name, next_url=None):
    yield from newsletter_admin.newsletter_buttons(page, user)


@hooks.register("register_page_listing_more_buttons")
def newsletter_listing_buttons(page, user, next_url=None):
    yield from newsletter_admin.newsletter_buttons(page, user)


@hooks.register("register_log_actions")
def register_newsletter_log_actions(actions):
    @actions.register_action(newsletter_admin.SEND_ACTION)
    class SendFormatter(LogFormatter):
        label = _("Send the newsletter")

        def format_message(self, log_entry):
            recipients = log_entry.data.get("recipients", 0)
            return ngettext(
                "Started sending the newsletter to %(recipients)s recipient",
                "Started sending the newsletter to %(recipients)s recipients",
                recipients,
            ) % {"recipients": recipients}

    actions.register_action(
        newsletter_admin.TEST_ACTION,
        _("Send a test of the newsletter"),
        _("Sent a test of the newsletter to themselves"),
    )
