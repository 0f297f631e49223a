"""The shape of the code base (README, "Layout"): imports run one way, and no file or function
grows past what a reader takes in at once.

The layers, from the bottom: spero_site (settings, middleware, shared infrastructure) → the
domain apps (every app that is not spero_site or pages: campaigns, events, donations, …) →
pages (content that chooses domain objects) → the URL configuration (spero_site.urls, with
wsgi and the settings, the wiring). A module imports only from its own layer or those below it,
and the domain apps import each other without a circle. Imports inside functions count, and so
do import_string / import_module with a constant path."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
INFRASTRUCTURE = "spero_site"
CONTENT = "pages"
# spero_site's modules that wire the whole site together, above everything else.
WIRING = ("spero_site.urls", "spero_site.wsgi", "spero_site.settings")
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80
SKIPPED_DIRS = {"__pycache__", "media", "staticfiles", "node_modules"}


def first_party_apps(root=ROOT):
    return sorted(path.parent.name for path in root.glob("*/apps.py"))


def source_files(root=ROOT):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if not any(part.startswith(".") or part in SKIPPED_DIRS for part in parts):
            yield path


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(tree, module):
    """(line, dotted name) of everything a module imports, wherever in the module it does."""
    package = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                yield node.lineno, ".".join([*base, *([node.module] if node.module else [])])
            else:
                yield node.lineno, node.module
        elif _imports_by_name(node):
            yield node.lineno, str(node.args[0].value)


def _imports_by_name(node):
    """import_string("a.b") or import_module("a.b") with a constant path."""
    return (
        isinstance(node, ast.Call)
        and _called_name(node) in {"import_string", "import_module"}
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
    )


def _called_name(call):
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def layer(module, apps):
    """0 infrastructure, 1 domain app, 2 pages, 3 wiring; None for what is not an app's
    (tests, bench, scripts, third-party code)."""
    if module.startswith(WIRING):
        return 3
    app = module.split(".")[0]
    if app not in apps:
        return None
    return {INFRASTRUCTURE: 0, CONTENT: 2}.get(app, 1)


def wrong_way_imports(modules, apps):
    """Every import that runs upwards: [(module, line, imported)]. `modules` maps module names to
    their source."""
    wrong = []
    for module, source in modules.items():
        own = layer(module, apps)
        if own is None:
            continue
        for line, imported in imported_modules(ast.parse(source), module):
            target = layer(imported, apps)
            if target is not None and target > own:
                wrong.append((module, line, imported))
    return wrong


def domain_circles(modules, apps):
    """The domain apps that import each other in a circle, as a list of app names per circle."""
    graph = {}
    for module, source in modules.items():
        app = module.split(".")[0]
        if layer(module, apps) != 1:
            continue
        for _line, imported in imported_modules(ast.parse(source), module):
            target = imported.split(".")[0]
            if target != app and layer(imported, apps) == 1:
                graph.setdefault(app, set()).add(target)
    circles, done = [], set()

    def visit(app, path):
        if app in path:
            circles.append(path[path.index(app) :])
            return
        if app in done:
            return
        for target in sorted(graph.get(app, ())):
            visit(target, [*path, app])
        done.add(app)

    for app in sorted(graph):
        visit(app, [])
    return circles


def app_modules():
    apps = set(first_party_apps())
    return {
        module_name(path): path.read_text()
        for path in source_files()
        if path.relative_to(ROOT).parts[0] in apps
    }


def test_no_import_runs_the_wrong_way():
    wrong = wrong_way_imports(app_modules(), set(first_party_apps()))
    assert wrong == [], "\n".join(f"{module}:{line} imports {name}" for module, line, name in wrong)


def test_the_domain_apps_import_each_other_without_a_circle():
    assert domain_circles(app_modules(), set(first_party_apps())) == []


APPS = {"spero_site", "campaigns", "donations", "members", "pages"}


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("campaigns.views", "from pages.models import DonationPage"),
        ("campaigns.views", "def thanks():\n    from pages import models\n"),
        ("donations.views", "import pages.models"),
        ("spero_site.retention", "from campaigns.services import retention_rules"),
        ("spero_site.tasks", "from members import tasks"),
        ("spero_site.outbox", "import_string('donations.tasks.send_due_emails')"),
        ("pages.models", "from spero_site.urls import urlpatterns"),
        ("campaigns.forms", "from ..pages import blocks"),
    ],
)
def test_a_back_import_is_found(module, source):
    wrong = wrong_way_imports({module: source}, APPS)
    assert len(wrong) == 1 and wrong[0][0] == module


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("pages.models", "from campaigns.models import Petition"),
        ("members.services", "from donations import services"),
        ("campaigns.views", "from spero_site.content import page_showing"),
        ("spero_site.urls", "from pages import views"),
        ("campaigns.views", "from . import services\nimport django.db"),
    ],
)
def test_an_import_downwards_is_allowed(module, source):
    assert wrong_way_imports({module: source}, APPS) == []


def test_a_circle_between_domain_apps_is_found():
    modules = {
        "members.services": "from donations import services",
        "donations.views": "from campaigns import models",
        "campaigns.models": "from members.models import Membership",
    }
    assert domain_circles(modules, APPS) == [["campaigns", "members", "donations"]]
    del modules["campaigns.models"]
    assert domain_circles(modules, APPS) == []


def test_the_checks_read_every_app():
    modules = app_modules()
    assert {"campaigns.views", "pages.models", "spero_site.retention", "members.apps"} <= set(
        modules
    )
    assert {"spero_site", "pages", "campaigns", "members", "twofactor"} <= set(first_party_apps())


def test_no_source_file_is_too_long():
    long_files = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in source_files()
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_FILE_LINES
    ]
    assert long_files == []


def test_no_function_is_too_long():
    long_functions = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length} lines"
        for path in source_files()
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (length := node.end_lineno - node.lineno + 1) > MAX_FUNCTION_LINES
    ]
    assert long_functions == []
