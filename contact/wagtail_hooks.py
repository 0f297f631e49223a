"""Contact messages in the admin: personal data, in the «Personal data» group, for users with
the contact message permissions («Ansatt»); volunteers never see them."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from contact import admin_views
from contact.models import ContactMessage
from spero_site.personal_data import PersonalDataViewSet


class ContactMessageViewSet(PersonalDataViewSet):
    model = ContactMessage
    name = "contact_messages"
    icon = "mail"
    menu_label = _("Contact messages")
    menu_order = 400
    inspect_view_enabled = False
    absent_url_names = (*PersonalDataViewSet.absent_url_names, "inspect")
    list_display = ["subject", "name", "email", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "subject"]

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", admin_views.ContactMessageView.as_view(), name="edit"),
        ]


@hooks.register("register_admin_viewset")
def register_contact_messages():
    return ContactMessageViewSet()


@hooks.register("register_log_actions")
def register_contact_log_actions(actions):
    actions.register_action(
        admin_views.CLOSE_ACTION, _("Close contact message"), _("Closed the contact message")
    )
