"""The opprop in the admin.

Petitions are editorial content (volunteers write them), so they stay a snippet in their own
menu item. Signatures are personal data: they live in the "Personal data" group, shown only to
users with the signature permissions, read-only (they change through campaigns.services).
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.log_actions import LogFormatter
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from campaigns import admin_views
from campaigns.models import Petition, Signature
from spero_site.personal_data import (
    PERSONAL_DATA_MENU_HOOK,
    ExportLogFormatter,
    PersonalDataViewSet,
)


class PetitionViewSet(SnippetViewSet):
    model = Petition
    icon = "pick"
    menu_label = _("Petitions")
    menu_order = 310
    add_to_admin_menu = True
    list_display = ["title", "signature_count", "goal", "opens_at", "closes_at"]
    search_fields = ["title"]


register_snippet(PetitionViewSet)


class SignatureViewSet(PersonalDataViewSet):
    model = Signature
    name = "signatures"
    icon = "list-ul"
    menu_order = 100
    index_view_class = admin_views.SignatureIndexView
    inspect_view_enabled = True
    # Signatures are written by services only: no edit view either.
    absent_url_names = (*PersonalDataViewSet.absent_url_names, "edit")
    menu_hook = None  # one of the group's own items (PersonalDataGroup below)
    list_display = ["full_name", "email", "petition", "status", "created_at", "confirmed_at"]
    filterset_class = admin_views.SignatureFilterSet
    search_fields = ["full_name", "email"]
    # The export hands over what a petition's recipient needs; the e-mail address stays here.
    list_export = ["petition", "full_name", "postal_code", "place", "confirmed_at"]
    inspect_view_fields = [
        "petition",
        "status",
        "full_name",
        "email",
        "postal_code",
        "place",
        "show_publicly",
        "comment",
        "comment_approved",
        "consent_version",
        "consented_at",
        "ip_hash",
        "created_at",
        "confirmed_at",
        "anonymised_at",
    ]

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(any_permission_required=admin_views.READ, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
        ]

    @property
    def url_finder_class(self):
        # Links from the audit log go to the read-only inspect view.
        return type(
            "SignatureURLFinder",
            (ModelAdminURLFinder,),
            {"edit_url_name": self.get_url_name("inspect")},
        )


class PersonalDataGroup(ViewSetGroup):
    menu_label = _("Personal data")
    menu_name = "personal-data"
    menu_icon = "user"
    menu_order = 320
    submenu_hook = PERSONAL_DATA_MENU_HOOK
    items = (SignatureViewSet,)


@hooks.register("register_admin_viewset")
def register_personal_data():
    return PersonalDataGroup()


class SignatureChangeMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_change_signatures(request.user)


@hooks.register(PERSONAL_DATA_MENU_HOOK)
def register_comments_menu_item():
    return SignatureChangeMenuItem(
        _("Comments to approve"),
        reverse("campaigns_admin:comments"),
        name="signature-comments",
        icon_name="comment",
        order=110,
    )


@hooks.register(PERSONAL_DATA_MENU_HOOK)
def register_invalidate_menu_item():
    return SignatureChangeMenuItem(
        _("Invalidate signatures"),
        reverse("campaigns_admin:invalidate"),
        name="signature-invalidate",
        icon_name="warning",
        order=120,
    )


@hooks.register("register_admin_urls")
def register_signature_admin_urls():
    urls = [
        path(
            "invalidate/",
            admin_views.InvalidateSignaturesView.as_view(),
            name="invalidate",
        ),
        path("comments/", admin_views.CommentApprovalView.as_view(), name="comments"),
    ]
    return [path("signatures/", include((urls, "campaigns_admin"), namespace="campaigns_admin"))]


@hooks.register("construct_homepage_panels")
def add_open_petitions_panel(request, panels):
    if admin_views.can_read_signatures(request.user):
        panels.append(admin_views.OpenPetitionsPanel())


@hooks.register("register_log_actions")
def register_signature_log_actions(actions):
    @actions.register_action(admin_views.EXPORT_ACTION)
    class ExportFormatter(ExportLogFormatter):
        label = _("Export signatures")
        message = ngettext_lazy(
            "Exported %(rows)s confirmed signature (%(format)s)",
            "Exported %(rows)s confirmed signatures (%(format)s)",
            "rows",
        )

    @actions.register_action(admin_views.INVALIDATE_ACTION)
    class InvalidateFormatter(LogFormatter):
        label = _("Invalidate signatures")

        def format_message(self, log_entry):
            data = log_entry.data
            count = data.get("invalidated", 0)
            if "email_domain" in data:
                return ngettext(
                    "Invalidated %(count)s signature from the e-mail domain %(domain)s "
                    "(%(counted)s counted)",
                    "Invalidated %(count)s signatures from the e-mail domain %(domain)s "
                    "(%(counted)s counted)",
                    count,
                ) % {"count": count, "domain": data["email_domain"], "counted": data["uncounted"]}
            # The IP hash itself stays in the entry's data, out of the history pages.
            return ngettext(
                "Invalidated %(count)s signature by IP hash (%(counted)s counted)",
                "Invalidated %(count)s signatures by IP hash (%(counted)s counted)",
                count,
            ) % {"count": count, "counted": data.get("uncounted", 0)}

    actions.register_action(
        admin_views.APPROVE_COMMENT_ACTION, _("Approve comment"), _("Approved the comment")
    )
    actions.register_action(
        admin_views.REJECT_COMMENT_ACTION,
        _("Reject comment"),
        _("Rejected and deleted the comment"),
    )
