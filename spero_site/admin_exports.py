"""Staff exports of personal data (signatures, registrations): streamed in constant memory,
safe to open in a spreadsheet program, with times as they read in Norway, and logged."""

import datetime
import tempfile
import uuid

from django.db.models import Count
from django.http import FileResponse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets.button import Button
from wagtail.log_actions import log

# Rows fetched per round trip while exporting; memory holds one chunk, never the whole list.
EXPORT_CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Cells a spreadsheet program would run as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def local_naive(value):
    # Excel has no time zones: write the time as it reads in Norway, not in UTC.
    return timezone.make_naive(value)


def local_iso(value):
    return timezone.localtime(value).isoformat(timespec="seconds")


def log_per_parent(queryset, parent_field, action, user, data):
    """One audit log entry per parent object (a petition, an event) of the rows in `queryset`,
    each with its row count, all sharing one uuid: the parent's history then shows what was
    exported of it. An export of no rows is logged too, on the user who took it."""
    rows_per_parent = dict(queryset.order_by().values_list(parent_field).annotate(rows=Count("pk")))
    if not rows_per_parent:
        log(user, action, user=user, data={**data, "rows": 0})
        return
    parent_model = queryset.model._meta.get_field(parent_field).related_model
    action_uuid = uuid.uuid4()
    for parent in parent_model.objects.filter(pk__in=rows_per_parent):
        log(
            parent,
            action,
            user=user,
            uuid=action_uuid,
            data={**data, "rows": rows_per_parent[parent.pk]},
        )


class StreamingExportIndexView(IndexView):
    """An IndexView whose export streams rows from a server-side cursor. Subclasses say what
    the file holds (`export_queryset`) and record it in the audit log (`log_export`)."""

    custom_value_preprocess = {
        **IndexView.custom_value_preprocess,
        datetime.datetime: {IndexView.FORMAT_XLSX: local_naive, IndexView.FORMAT_CSV: local_iso},
        str: {IndexView.FORMAT_CSV: neutralise_formula},
    }
    show_export_buttons = False  # subclasses add buttons that say what each file holds

    def get(self, request, *args, **kwargs):
        # Wagtail's own export renders the listing context first, which loads every row into
        # memory (len(object_list)); go straight to the stream instead.
        if self.is_export:
            return self.export(request.GET["export"])
        return super().get(request, *args, **kwargs)

    def export_queryset(self):
        raise NotImplementedError

    def log_export(self, queryset, export_format):
        raise NotImplementedError

    def export(self, export_format):
        queryset = self.export_queryset()
        self.log_export(queryset, export_format)
        # .iterator() reads from a server-side cursor and caches nothing: memory holds one chunk.
        return self.as_spreadsheet(queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE), export_format)

    def logged_filters(self):
        """The filters that narrowed an export, for the audit log. The search text may be
        someone's name or address, and the log outlives the data: it records only that a
        search narrowed the export (`self.is_searching`), not what was searched for."""
        return {
            key: value
            for key, value in self.request.GET.items()
            if key not in {"export", "p", self.search_kwarg} and value
        }

    def get_heading(self, queryset, field):
        # The export hands over an iterator, which has no .model for the column labels.
        return super().get_heading(self.model.objects.none(), field)

    def stream_csv(self, queryset):
        # A byte order mark makes Excel read the file as UTF-8 (æ, ø and å intact).
        yield "\ufeff"
        yield from super().stream_csv(queryset)

    def write_xlsx_response(self, queryset):
        # Wagtail saves the workbook into a BytesIO, which grows with the rows. openpyxl's
        # write-only workbook keeps rows on disk; saving into a temporary file too keeps the
        # process flat. FileResponse streams it and closes (and so deletes) it at the end.
        output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
        try:
            self.write_xlsx(queryset, output)
        except BaseException:
            output.close()
            raise
        output.seek(0)
        return FileResponse(
            output,
            as_attachment=True,
            content_type=XLSX_CONTENT_TYPE,
            filename=f"{self.get_filename()}.xlsx",
        )


class FilteredExportIndexView(StreamingExportIndexView):
    """A listing with one export, in XLSX or CSV, that holds what its filters select. Its rows
    have no parent object to log the export on (as a signature has its petition), so the entry is
    logged on the user who took it. Subclasses give `export_action` and `file_name`, and may add
    header buttons (`more_buttons`)."""

    export_action = None
    file_name = None

    def export_queryset(self):
        return self.get_queryset()

    def log_export(self, queryset, export_format):
        log(
            self.request.user,
            self.export_action,
            user=self.request.user,
            data={
                "format": export_format,
                "rows": queryset.count(),
                "filters": self.logged_filters(),
                "searched": self.is_searching,
            },
        )

    def get_filename(self):
        return f"{slugify(str(self.file_name))}-{timezone.localdate().isoformat()}"

    def more_buttons(self):
        return []

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Download (XLSX)"), url=self.xlsx_export_url, icon_name="download", priority=90
            ),
            Button(
                _("Download (CSV)"), url=self.csv_export_url, icon_name="download", priority=100
            ),
            *self.more_buttons(),
        ]
