"""Newsletter subscribers in the admin: personal data, in the «Personal data» group, for users
with the subscriber permissions («Ansatt»); volunteers never see them. Read-only: addresses
join and leave only through newsletter.services."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from newsletter.models import Subscriber
from spero_site.personal_data import PersonalDataViewSet


class SubscriberViewSet(PersonalDataViewSet):
    model = Subscriber
    name = "newsletter_subscribers"
    icon = "mail"
    menu_label = _("Newsletter subscribers")
    menu_order = 410
    inspect_view_enabled = False
    absent_url_names = (*PersonalDataViewSet.absent_url_names, "edit", "inspect")
    list_display = ["email", "first_name", "status", "created_at", "confirmed_at"]
    list_filter = ["status"]
    search_fields = ["email", "first_name"]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(any_permission_required=["view", "change"], **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]


@hooks.register("register_admin_viewset")
def register_subscribers():
    return SubscriberViewSet()
