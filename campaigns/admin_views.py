"""Staff views over signatures (personal data): the listing with its export, fraud invalidation,
comment approval and the dashboard panel.

Signatures change only through campaigns.services. Every staff action on them is written to
Wagtail's audit log: who, what and how many rows.
"""

import uuid

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log
from wagtail.permissions import policy_registry

from campaigns import services
from campaigns.models import Petition, Signature
from spero_site.admin_exports import StreamingExportIndexView, log_per_parent
from spero_site.admin_refusal import RefusesWith403

# Seeing signatures (list, inspect, export, dashboard counts) takes one of these permissions;
# changing them (invalidation, comment approval) takes "change".
READ = ["view", "change"]

COUNTABLE = [Signature.Status.UNCONFIRMED, Signature.Status.CONFIRMED]

EXPORT_ACTION = "campaigns.export"
INVALIDATE_ACTION = "campaigns.invalidate"
APPROVE_COMMENT_ACTION = "campaigns.comment_approve"
REJECT_COMMENT_ACTION = "campaigns.comment_reject"


def signature_policy():
    return policy_registry.get_by_type(Signature)


def can_read_signatures(user):
    return signature_policy().user_has_any_permission(user, READ)


def can_change_signatures(user):
    return signature_policy().user_has_permission(user, "change")


def with_email_domain(queryset, domain):
    """Signatures whose normalised address is at exactly this domain (not its subdomains)."""
    return queryset.filter(email_normalized__iendswith="@" + domain.strip().lstrip("@"))


def awaiting_comment_approval():
    """Only a confirmed signer shown publicly has a comment that a page could show."""
    shown = Q(status=Signature.Status.CONFIRMED, show_publicly=True)
    return shown & Q(comment_approved=False) & ~Q(comment="")


# ---------------------------------------------------------------------------------------------
# The listing and its export


class SignatureFilterSet(WagtailFilterSet):
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Signed between"), widget=DateRangePickerWidget
    )
    awaiting_approval = django_filters.BooleanFilter(
        label=_("Comment awaiting approval"),
        method="filter_awaiting_approval",
        widget=BooleanRadioSelect,
    )
    ip_hash = django_filters.CharFilter(label=_("IP hash"))
    email_domain = django_filters.CharFilter(label=_("E-mail domain"), method="filter_email_domain")

    class Meta:
        model = Signature
        fields = ["petition", "status"]

    def filter_awaiting_approval(self, queryset, name, value):
        if value is None:
            return queryset
        awaiting = awaiting_comment_approval()
        return queryset.filter(awaiting if value else ~awaiting)

    def filter_email_domain(self, queryset, name, value):
        return with_email_domain(queryset, value) if value.strip() else queryset


class SignatureIndexView(StreamingExportIndexView):
    """The signature listing. Its export holds confirmed signatures only (whatever the status
    filter says), streams in constant memory and is logged."""

    any_permission_required = READ

    def export_queryset(self):
        # Most of a row's cost is loading and parsing its columns: load the exported ones only
        # (and of the petition, the title that names it, not its text).
        columns = ["petition__title" if name == "petition" else name for name in self.list_export]
        return (
            self.get_queryset()
            .filter(status=Signature.Status.CONFIRMED)
            .select_related("petition")
            .only(*columns)
        )

    def log_export(self, queryset, export_format):
        log_per_parent(
            queryset,
            "petition",
            EXPORT_ACTION,
            self.request.user,
            {
                "format": export_format,
                "filters": self.logged_filters(),
                "searched": self.is_searching,
            },
        )

    def get_filename(self):
        name = slugify(gettext("confirmed signatures"))
        return f"{name}-{timezone.localdate().isoformat()}"

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Download confirmed signatures (XLSX)"),
                url=self.xlsx_export_url,
                icon_name="download",
                priority=90,
            ),
            Button(
                _("Download confirmed signatures (CSV)"),
                url=self.csv_export_url,
                icon_name="download",
                priority=100,
            ),
        ]


# ---------------------------------------------------------------------------------------------
# Invalidation (fraud)


class InvalidateForm(forms.Form):
    ip_hash = forms.CharField(
        label=_("IP hash"),
        required=False,
        max_length=64,
        help_text=_("Exactly as shown on a signature."),
    )
    email_domain = forms.CharField(
        label=_("E-mail domain"),
        required=False,
        max_length=253,
        help_text=_("For example mailinator.com. Subdomains are not included."),
    )
    petition = forms.ModelChoiceField(
        label=_("Petition"),
        queryset=Petition.objects.all(),
        required=False,
        empty_label=_("All petitions"),
    )

    def clean_email_domain(self):
        domain = self.cleaned_data["email_domain"].strip().lower().lstrip("@")
        if domain and ("." not in domain or "@" in domain or any(c.isspace() for c in domain)):
            raise forms.ValidationError(_("Enter a domain such as mailinator.com."))
        return domain

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("ip_hash", "").strip()) == bool(cleaned.get("email_domain")):
            raise forms.ValidationError(_("Enter either an IP hash or an e-mail domain."))
        return cleaned

    def criterion(self):
        """What the audit log records: the one field that selected the signatures."""
        if self.cleaned_data["ip_hash"].strip():
            return {"ip_hash": self.cleaned_data["ip_hash"].strip()}
        return {"email_domain": self.cleaned_data["email_domain"]}

    def matches(self):
        """Signatures that invalidation would take: unconfirmed or confirmed ones that match."""
        queryset = Signature.objects.filter(status__in=COUNTABLE)
        if self.cleaned_data["petition"]:
            queryset = queryset.filter(petition=self.cleaned_data["petition"])
        if ip_hash := self.cleaned_data["ip_hash"].strip():
            return queryset.filter(ip_hash=ip_hash)
        return with_email_domain(queryset, self.cleaned_data["email_domain"])


def per_petition(queryset):
    """[(petition, matching, counted)] for the matching signatures, by petition title."""
    totals = {
        row["petition"]: row
        for row in queryset.order_by()
        .values("petition")
        .annotate(
            matching=Count("pk"),
            counted=Count("pk", filter=Q(status=Signature.Status.CONFIRMED)),
        )
    }
    return [
        (petition, totals[petition.pk]["matching"], totals[petition.pk]["counted"])
        for petition in Petition.objects.filter(pk__in=totals).order_by("title")
    ]


class InvalidateSignaturesView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """Two steps, both POST so that an IP hash never sits in a URL: "preview" shows what matches,
    "confirm" invalidates it through services.invalidate."""

    model = Signature
    permission_required = "change"
    form_class = InvalidateForm
    template_name = "campaigns/admin/invalidate.html"
    page_title = _("Invalidate signatures")
    header_icon = "warning"

    def form_valid(self, form):
        if self.request.POST.get("action") != "confirm":
            preview = per_petition(form.matches())
            total = sum(matching for _petition, matching, _counted in preview)
            return self.render_to_response(
                self.get_context_data(form=form, preview=preview, preview_total=total)
            )
        with transaction.atomic():
            # Lock the matches before counting them, so the log tells exactly what the
            # service changed; services.invalidate takes the same rows in the same order.
            list(form.matches().select_for_update().order_by("pk").values_list("pk"))
            rows = per_petition(form.matches())
            invalidated = services.invalidate(form.matches())
            action_uuid = uuid.uuid4()
            for petition, matching, counted in rows:
                log(
                    petition,
                    INVALIDATE_ACTION,
                    user=self.request.user,
                    uuid=action_uuid,
                    data={**form.criterion(), "invalidated": matching, "uncounted": counted},
                )
        messages.success(
            self.request,
            ngettext(
                "%(count)s signature invalidated.",
                "%(count)s signatures invalidated.",
                invalidated,
            )
            % {"count": invalidated},
        )
        return redirect("campaigns_admin:invalidate")

    def get_context_data(self, **kwargs):
        kwargs.setdefault("preview", None)
        return super().get_context_data(**kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


# ---------------------------------------------------------------------------------------------
# Comment approval


class CommentApprovalView(
    RefusesWith403, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView
):
    """Comments that a campaign page would show once approved. Approving shows them; rejecting
    deletes them (services.reject_comments), since a rejected comment is never shown."""

    model = Signature
    permission_required = "change"
    template_name = "campaigns/admin/comments.html"
    page_title = _("Comments awaiting approval")
    header_icon = "comment"
    per_page = 50

    def awaiting(self):
        return (
            Signature.objects.filter(awaiting_comment_approval())
            .select_related("petition")
            .order_by("confirmed_at", "pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_obj"] = Paginator(self.awaiting(), self.per_page).get_page(
            self.request.GET.get("p")
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        pks = [pk for pk in request.POST.getlist("signature") if pk.isdigit()]
        # Only comments still awaiting approval: a second click or a stale page changes nothing.
        chosen = list(self.awaiting().filter(pk__in=pks).select_related(None).only("petition"))
        selected = Signature.objects.filter(pk__in=[signature.pk for signature in chosen])
        if action == "approve":
            changed = services.set_comment_approval(selected, True)
            log_action = APPROVE_COMMENT_ACTION
            message = ngettext(
                "%(count)s comment approved.", "%(count)s comments approved.", changed
            )
        elif action == "reject":
            changed = services.reject_comments(selected)
            log_action = REJECT_COMMENT_ACTION
            message = ngettext(
                "%(count)s comment rejected and deleted.",
                "%(count)s comments rejected and deleted.",
                changed,
            )
        else:
            return redirect("campaigns_admin:comments")
        action_uuid = uuid.uuid4()
        for signature in chosen:
            log(signature, log_action, user=request.user, uuid=action_uuid)
        messages.success(request, message % {"count": changed})
        return redirect(reverse("campaigns_admin:comments") + _page_query(request))

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def _page_query(request):
    page = request.POST.get("p", "")
    return f"?p={page}" if page.isdigit() else ""


# ---------------------------------------------------------------------------------------------
# Dashboard


class OpenPetitionsPanel(Component):
    """Each open petition's count, goal and how many signers have not confirmed yet."""

    name = "open_petitions"
    template_name = "campaigns/admin/open_petitions_panel.html"
    order = 50

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        petitions = (
            Petition.objects.filter(opens_at__lte=now)
            .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
            .annotate(
                unconfirmed=Count(
                    "signatures", filter=Q(signatures__status=Signature.Status.UNCONFIRMED)
                )
            )
            .order_by("opens_at", "pk")
        )
        return {"petitions": petitions, "signatures_url": reverse("signatures:index")}
