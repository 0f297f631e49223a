"""Every retention rule of the site in one list, run together by `manage.py enforce_retention`
and the task `spero_site.tasks.enforce_retention` (docs/operations.md, "Retention").

Each app keeps its rules in its services (what is due and what happens to it), lists them in
`retention_rules()` and names that function on its AppConfig; this module only collects and runs
them. A rule changes nothing that is
not due, so running them often, or again after a failure, is safe."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from spero_site import app_declarations


@dataclass(frozen=True)
class RetentionRule:
    """One rule: `apply(now, dry_run)` returns how many records it changed (or would change);
    `scope(now)` says which, e.g. "unconfirmed signature(s) made before 2026-11-25 14:00 CET
    (7 days)"; `deletes` tells a deleting rule from one that anonymises."""

    name: str
    deletes: bool
    scope: Callable
    apply: Callable

    def verb(self, dry_run):
        if self.deletes:
            return "Would delete" if dry_run else "Deleted"
        return "Would anonymise" if dry_run else "Anonymised"


def deleting_rule(name, scope, due):
    """A rule that deletes the rows `due(now)` returns (a queryset), in one transaction."""

    def apply(now, dry_run):
        rows = due(now)
        if dry_run:
            return rows.count()
        with transaction.atomic():
            return rows.delete()[0]

    return RetentionRule(name=name, deletes=True, scope=scope, apply=apply)


def local(moment, with_time=True):
    """A cut-off as the report prints it, in the site's time zone."""
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M %Z}" if with_time else f"{moment:%Y-%m-%d}"


def all_rules():
    """The rules of every installed app that declares `retention_rules` on its AppConfig
    (spero_site/app_declarations.py), in INSTALLED_APPS order."""
    return [rule for rules in app_declarations.imported("retention_rules") for rule in rules()]


def enforce(*, now=None, dry_run=False):
    """Run every rule at one moment. Returns [(rule, count, line of the report)]."""
    now = now or timezone.now()
    report = []
    for rule in all_rules():
        count = rule.apply(now, dry_run)
        report.append((rule, count, f"{rule.verb(dry_run)} {count} {rule.scope(now)}."))
    return report
