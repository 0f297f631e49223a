from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets import ListingButton
from wagtail.log_actions import LogFormatter

from twofactor import services, urls


@hooks.register("register_admin_urls")
def register_urls():
    return [path("", include(urls))]


@hooks.register("register_account_menu_item")
def account_menu_item(request):
    return {
        "url": reverse("twofactor_overview"),
        "label": _("Two-step login"),
        "help_text": _("Set up the authenticator app, or get new recovery codes."),
    }


@hooks.register("register_user_listing_buttons")
def reset_button(user, request_user):
    if request_user.is_superuser and user.pk != request_user.pk:
        yield ListingButton(
            _("Reset two-step login"),
            reverse("twofactor_reset", args=[user.pk]),
            priority=60,
        )


@hooks.register("register_log_actions")
def register_reset_action(actions):
    @actions.register_action(services.RESET_ACTION)
    class ResetFormatter(LogFormatter):
        label = _("Reset two-step login")

        def format_message(self, log_entry):
            return _("Reset two-step login for %(user)s") % {
                "user": log_entry.data.get("username", "")
            }
