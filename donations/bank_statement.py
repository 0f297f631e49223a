"""Reading a bank statement: the CSV of payments that staff download from the online bank, to
mark manual gifts paid by their KID (donations/admin_bank.py, services.apply_bank_payment).

Norwegian banks write these files in many ways: separated by semicolons (or commas), in UTF-8
with or without a byte order mark or in Windows-1252, dates as 02.12.2026, amounts as
"1 000,00", and the KID in a column of its own or in the message text. The columns are found by
their headings. Nothing here raises on what a file holds: a file that cannot be read at all
gives a Statement with `error` set, and each line that cannot be read is listed in `unread`
with its reason."""

import csv
import datetime
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from donations.kid import kid_is_valid

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
# The heading row may come after a few lines about the account and the period.
HEADER_SEARCH_ROWS = 20
DELIMITERS = (";", ",", "\t")
KID_LENGTH = 10
# What a payment can be: PositiveIntegerField's limit, in øre.
MAX_AMOUNT_ORE = 2_000_000_000
REFERENCE_PREFIX = "bank:"

# Headings, as _key() writes them (lower case, letters only): exact names in order of
# preference, then parts of a name.
DATE_NAMES = (
    "bokføringsdato",
    "bokførtdato",
    "bokført",
    "dato",
    "betalingsdato",
    "transaksjonsdato",
    "date",
    "bookingdate",
    "transactiondate",
    "rentedato",
    "valutadato",
    "valuedate",
)
DATE_PARTS = ("dato", "date")
INCOMING_NAMES = (
    "inn",
    "innpåkonto",
    "innskudd",
    "kredit",
    "kreditt",
    "credit",
    "innbetalt",
    "innbetaling",
    "beløpinn",
)
OUTGOING_NAMES = (
    "ut",
    "utfrakonto",
    "uttak",
    "debet",
    "debit",
    "utbetalt",
    "utbetaling",
    "beløput",
)
AMOUNT_NAMES = ("beløp", "belop", "beløpnok", "beløpinok", "amount", "sum", "nok")
AMOUNT_PARTS = ("beløp", "belop", "amount")
KID_NAMES = ("kid", "kidnummer", "kidnr", "kidno")
KID_PARTS = ("kid",)
TEXT_PARTS = (
    "melding",
    "tekst",
    "forklaring",
    "beskrivelse",
    "informasjon",
    "referanse",
    "detalj",
    "description",
    "text",
    "message",
    "reference",
)
# An archive reference is the bank's number for the payment: digits, but never the KID.
NOT_TEXT_PARTS = ("arkiv", "archive")

DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y.%m.%d")
# Kroner as banks write them: "1 000,00", "1000,00", "1.000,50", "-250,00", "1000.00", "300".
AMOUNT = re.compile(r"([+-]?)(\d{1,3}(?:[ .']\d{3})+|\d+)(?:[,.](\d{1,2}))?(-?)", re.ASCII)
KID_CANDIDATE = re.compile(rf"(?<!\d)\d{{{KID_LENGTH}}}(?!\d)", re.ASCII)
# C0 control characters besides tab, line feed and carriage return: a binary file.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Why a line was not read.
NO_DATE = _("The date could not be read.")
FUTURE_DATE = _("The date is in the future.")
NO_AMOUNT = _("The amount could not be read.")
NO_KID = _("No KID found.")
INVALID_KID = _("The KID is not valid (ten digits with a control digit).")
SEVERAL_KIDS = _("The text holds more than one possible KID.")
TOO_FEW_COLUMNS = _("The line has fewer columns than the headings.")
TOO_MANY_COLUMNS = _("The line has more columns than the headings.")


@dataclass(frozen=True)
class StatementLine:
    """An incoming payment with a KID."""

    line_number: int
    date: datetime.date
    amount_ore: int
    kid: str
    # The same line in another download of the statement has the same reference.
    reference: str


@dataclass(frozen=True)
class UnreadLine:
    """A line that is no payment to match: why, and what of it could be read."""

    line_number: int
    reason: str
    date: datetime.date | None = None
    amount_ore: int | None = None
    kid: str = ""


@dataclass
class Statement:
    lines: list = field(default_factory=list)
    unread: list = field(default_factory=list)
    # Data lines after the headings (blank lines not counted), and of them outgoing payments,
    # which are skipped without a reason: a statement holds every payment of the account.
    line_count: int = 0
    outgoing: int = 0
    # Set when the file cannot be read at all; then there are no lines.
    error: str = ""


def _key(heading):
    return re.sub(r"[^a-zæøå]", "", heading.casefold())


def _clean(cell):
    """A cell without surrounding space or the quoting that keeps a spreadsheet program from
    turning digits into a number (="1234567897" or '1234567897)."""
    cell = cell.strip().replace("\u00a0", " ").replace("\u202f", " ")
    if cell.startswith('="') and cell.endswith('"'):
        cell = cell[2:-1].strip()
    return cell.removeprefix("'").strip()


def _find(keys, names, parts=(), taken=()):
    for name in names:
        if name in keys and keys.index(name) not in taken:
            return keys.index(name)
    for part in parts:
        for index, key in enumerate(keys):
            if part in key and index not in taken:
                return index
    return None


@dataclass(frozen=True)
class Columns:
    date: int
    amount: int
    outgoing: int | None
    kid: int | None
    text: tuple
    count: int

    @property
    def needed(self):
        return max(self.date, self.amount) + 1


def find_columns(headings):
    """The columns of a heading row, or None when it has no date and amount column."""
    keys = [_key(_clean(heading)) for heading in headings]
    date = _find(keys, DATE_NAMES, DATE_PARTS)
    if date is None:
        return None
    outgoing = _find(keys, OUTGOING_NAMES, taken={date})
    taken = {date, outgoing}
    amount = _find(keys, INCOMING_NAMES, taken=taken)
    if amount is None:
        amount = _find(keys, AMOUNT_NAMES, AMOUNT_PARTS, taken=taken)
    if amount is None:
        return None
    taken.add(amount)
    kid = _find(keys, KID_NAMES, KID_PARTS, taken=taken)
    taken.add(kid)
    text = tuple(
        index
        for index, key in enumerate(keys)
        if index not in taken
        and any(part in key for part in TEXT_PARTS)
        and not any(part in key for part in NOT_TEXT_PARTS)
    )
    if not text:
        # No heading names a text column: look for a KID in every other column.
        text = tuple(
            index
            for index, key in enumerate(keys)
            if index not in taken and not any(part in key for part in NOT_TEXT_PARTS)
        )
    return Columns(date=date, amount=amount, outgoing=outgoing, kid=kid, text=text, count=len(keys))


def parse_date(text):
    text = text.split()[0] if text.split() else ""
    text = text.split("T")[0]
    for date_format in DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, date_format).date()
        except ValueError:
            continue
        if 2000 <= day.year <= 2100:
            return day
    return None


def parse_amount(text):
    """Øre from an amount in kroner ("1 000,00", "-250,00"), or None when it is not one."""
    text = re.sub(r"(?i)(nok|kr)\.?", " ", text.replace("\u2212", "-"))
    text = re.sub(r"^([+-]) ", r"\1", re.sub(r"\s+", " ", text).strip())
    match = AMOUNT.fullmatch(text)
    if not match or (match.group(1) and match.group(4)):
        return None
    kroner = int(re.sub(r"[ .']", "", match.group(2)))
    ore = kroner * 100 + int((match.group(3) or "0").ljust(2, "0"))
    if ore > MAX_AMOUNT_ORE:
        return None
    return -ore if "-" in (match.group(1), match.group(4)) else ore


def _kid(cells, columns):
    """(kid, reason): the KID of a line from its KID column, else the one valid KID in its
    text columns."""
    written = ""
    if columns.kid is not None and columns.kid < len(cells):
        written = re.sub(r"[\s.-]", "", cells[columns.kid])
        if len(written) == KID_LENGTH and kid_is_valid(written):
            return written, None
    candidates = {
        candidate
        for index in columns.text
        if index < len(cells)
        for candidate in KID_CANDIDATE.findall(cells[index])
        if kid_is_valid(candidate)
    }
    if len(candidates) == 1:
        return candidates.pop(), None
    if candidates:
        return "", SEVERAL_KIDS
    return "", INVALID_KID if written else NO_KID


def line_reference(cells):
    """A reference that names the line and stays the same in every download of it."""
    text = "\x1f".join(cells)
    return REFERENCE_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(data):
    """The text of the file, or None when it is neither UTF-8 nor Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _read_line(number, cells, columns, today):
    if len(cells) < columns.needed:
        return UnreadLine(number, TOO_FEW_COLUMNS)
    # Empty cells past the headings are a trailing separator; more is an unquoted comma.
    if any(cells[columns.count :]):
        return UnreadLine(number, TOO_MANY_COLUMNS)
    day = parse_date(cells[columns.date])
    amount_text = cells[columns.amount]
    amount = parse_amount(amount_text) if amount_text else None
    kid, kid_problem = _kid(cells, columns)
    if day is None:
        return UnreadLine(number, NO_DATE, amount_ore=amount, kid=kid)
    if amount is None:
        return UnreadLine(number, NO_AMOUNT, date=day, kid=kid)
    if day > today:
        return UnreadLine(number, FUTURE_DATE, date=day, amount_ore=amount, kid=kid)
    if kid_problem is not None:
        return UnreadLine(number, kid_problem, date=day, amount_ore=amount)
    return StatementLine(number, day, amount, kid, line_reference(cells))


def _is_outgoing(cells, columns):
    amount_text = cells[columns.amount] if columns.amount < len(cells) else ""
    if amount_text:
        amount = parse_amount(amount_text)
        return amount is not None and amount <= 0
    outgoing = columns.outgoing
    return outgoing is not None and outgoing < len(cells) and bool(cells[outgoing])


def _rows(text, delimiter):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, [_clean(cell) for cell in cells]


def _header(text):
    """(delimiter, line number of the headings, columns), or None."""
    for delimiter in DELIMITERS:
        try:
            for number, cells in _rows(text, delimiter):
                if number > HEADER_SEARCH_ROWS:
                    break
                if len(cells) >= 2 and (columns := find_columns(cells)):
                    return delimiter, number, columns
        except csv.Error:
            continue
    return None


def parse_statement(data, today=None):
    """The Statement that the bytes of an uploaded file hold."""
    today = today or timezone.localdate()
    if not data.strip():
        return Statement(error=gettext("The file is empty."))
    if len(data) > MAX_BYTES:
        return Statement(
            error=gettext("The file is larger than %(megabytes)s MB.")
            % {"megabytes": MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in data:
        return Statement(error=gettext("This is not a CSV file (it holds NUL bytes)."))
    text = decode(data)
    if text is None or CONTROL.search(text):
        return Statement(error=gettext("This is not a CSV file in UTF-8 or Windows-1252 text."))
    if len(text.splitlines()) > MAX_LINES:
        return Statement(
            error=gettext("The file has more than %(lines)s lines.") % {"lines": MAX_LINES}
        )
    header = _header(text)
    if header is None:
        return Statement(
            error=gettext(
                "No headings for the date and the amount were found. Download the statement "
                "from the bank as CSV with headings."
            )
        )
    delimiter, header_line, columns = header
    statement = Statement()
    try:
        for number, cells in _rows(text, delimiter):
            if number <= header_line or not any(cells):
                continue
            statement.line_count += 1
            if _is_outgoing(cells, columns):
                statement.outgoing += 1
                continue
            line = _read_line(number, cells, columns, today)
            (statement.lines if isinstance(line, StatementLine) else statement.unread).append(line)
    except csv.Error:
        return Statement(error=gettext("The file could not be read as CSV."))
    if not statement.line_count:
        return Statement(error=gettext("The file has headings but no payments."))
    return statement
