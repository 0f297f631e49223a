"""The member register in the admin: personal data, in the «Personal data» group for users with
the membership permissions («Ansatt»); volunteers never see it. The kinds and their fees are in
Settings. Memberships change only through members.services."""

from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet

from members import admin_views
from members.models import Membership, MembershipKind
from spero_site.personal_data import ExportLogFormatter, PersonalDataViewSet


class MembershipViewSet(PersonalDataViewSet):
    model = Membership
    name = "memberships"
    icon = "group"
    menu_label = _("Members")
    menu_order = 250
    index_view_class = admin_views.MembershipIndexView
    inspect_view_enabled = True
    absent_url_names = (*PersonalDataViewSet.absent_url_names, "edit")
    list_display = [
        "name",
        "kind",
        "get_member_status_display",
        "postal_code",
        "place",
        "created_at",
    ]
    filterset_class = admin_views.MembershipFilterSet
    search_fields = ["name", "email", "phone"]
    list_export = [
        "name",
        "email",
        "phone",
        "postal_code",
        "place",
        "birth_year",
        "kind",
        "get_member_status_display",
        "created_at",
        "confirmed_at",
        "resigned_at",
    ]
    inspect_view_fields = [
        "name",
        "email",
        "phone",
        "postal_code",
        "place",
        "birth_year",
        "kind",
        "status",
        "consent_version",
        "consented_at",
        "created_at",
        "confirmed_at",
        "resigned_at",
    ]
    inspect_template_name = "members/admin/inspect.html"

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(any_permission_required=admin_views.READ, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("<int:pk>/paid/", admin_views.MarkFeePaidView.as_view(), name="mark_paid"),
        ]


class MembershipKindViewSet(ModelViewSet):
    """The kinds of membership and their yearly fees: no personal data, set by staff."""

    model = MembershipKind
    name = "membership_kinds"
    icon = "group"
    menu_label = _("Membership kinds")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", "fee_kroner", "has_vote", "min_age", "max_age", "offered"]
    form_fields = [
        "name",
        "description",
        "fee_kroner",
        "has_vote",
        "min_age",
        "max_age",
        "offered",
        "sort_order",
    ]


@hooks.register("register_admin_viewset")
def register_members():
    return [MembershipViewSet(), MembershipKindViewSet()]


@hooks.register("register_admin_urls")
def register_member_admin_urls():
    urls = [path("counts/", admin_views.YearlyCountView.as_view(), name="counts")]
    return [path("medlemmer/", include((urls, "members_admin"), namespace="members_admin"))]


@hooks.register("register_log_actions")
def register_member_log_actions(actions):
    @actions.register_action(admin_views.EXPORT_ACTION)
    class ExportFormatter(ExportLogFormatter):
        label = _("Export members")
        message = ngettext_lazy(
            "Exported %(rows)s member (%(format)s)",
            "Exported %(rows)s members (%(format)s)",
            "rows",
        )

    actions.register_action(
        admin_views.MARK_PAID_ACTION, _("Mark fee paid"), _("Marked this year's fee paid")
    )
