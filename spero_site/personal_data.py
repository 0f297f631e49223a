"""What every admin listing of personal data (signatures, registrations, donations) shares: the
«Personal data» menu group's hook, a read-only viewset whose rows change only through the app's
services and whose views answer a refusal with 403, and the audit log line of an export."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.log_actions import LogFormatter

from spero_site.admin_refusal import refuse_with_403

# Each app's personal data joins the group (campaigns/wagtail_hooks.py) by registering its
# viewset with `menu_hook = PERSONAL_DATA_MENU_HOOK`, or menu items with this hook.
PERSONAL_DATA_MENU_HOOK = "register_personal_data_menu_item"


class PersonalDataViewSet(ModelViewSet):
    """A listing of personal data: no add, copy, delete, history or usage views, the reference
    index left alone (a write per row the public saves would serve no one), and only the view
    and change permissions offered on the group edit page. Subclasses give `get_urlpatterns`."""

    menu_hook = PERSONAL_DATA_MENU_HOOK
    list_export = []  # none unless a listing says what its file holds
    copy_view_enabled = False
    add_to_reference_index = False
    search_backend_name = None  # plain database lookups; personal data is not search-indexed
    # The names of the views a subclass does not have.
    absent_url_names = ("add", "delete", "history", "usage")

    def construct_view(self, view_class, **kwargs):
        # A refusal is a 403 page, not Wagtail's redirect (spero_site/admin_refusal.py). Views a
        # subclass routes itself (not through here) inherit RefusesWith403 instead.
        return refuse_with_403(super().construct_view(view_class, **kwargs))

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            **{f"{name}_url_name": None for name in self.absent_url_names}, **kwargs
        )

    def get_permissions_to_register(self):
        model_name = self.model._meta.model_name
        return (
            super()
            .get_permissions_to_register()
            .filter(codename__in=[f"view_{model_name}", f"change_{model_name}"])
        )


class ExportLogFormatter(LogFormatter):
    """An export's entry in the audit log. `message` is an ngettext_lazy(..., "rows") with
    %(rows)s and %(format)s; `message_for` may choose one by the entry's data."""

    label = _("Export")
    message = None

    def message_for(self, log_entry):
        return self.message

    def format_message(self, log_entry):
        data = log_entry.data
        return self.message_for(log_entry) % {
            "rows": data.get("rows", 0),
            "format": data.get("format", "").upper(),
        }
