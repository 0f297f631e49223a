"""compose.yaml, the Dockerfile and `make stack` describe one deployment: the same services,
the same commands and the same settings (stack/definition.py holds them once). A renamed
command or a service added to one of them fails here, not quietly in production."""

import ast
import os
import re
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

from spero_site.management.commands.run_scheduler import JOBS
from stack import definition
from stack.runner import Stack

BASE_DIR = settings.BASE_DIR
COMPOSE = yaml.safe_load((BASE_DIR / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text(encoding="utf-8")


def production_required():
    """production.py's REQUIRED, read from its source: importing it refuses without them."""
    module = ast.parse((BASE_DIR / "spero_site/settings/production.py").read_text("utf-8"))
    for node in module.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "REQUIRED":
            return ast.literal_eval(node.value)
    raise AssertionError("production.py has no REQUIRED")


def dockerfile_cmd():
    (cmd,) = re.findall(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    return tuple(yaml.safe_load(cmd))


@pytest.fixture
def stack(tmp_path):
    # Defined, not started: its environment and processes are what the checks read.
    site = Stack(tmp_path / "stack", log=lambda line: None)
    site.state.mkdir()
    return site


def test_compose_has_the_services_the_stack_starts(stack):
    stack._define()
    # The stack replaces the mail provider with its SMTP server; compose's db is its PostgreSQL.
    started = {*stack.services, "db", "migrate"} - {"smtp"}
    assert set(SERVICES) == started


def test_every_site_service_runs_the_same_command():
    for name, command in definition.SITE_SERVICES.items():
        # The app instances run the image's CMD.
        in_compose = SERVICES[name].get("command") or dockerfile_cmd()
        assert tuple(in_compose) == command, name
    assert dockerfile_cmd() == definition.APP_COMMAND


def test_proxy_and_redis_run_the_same_command():
    assert tuple(SERVICES["proxy"]["command"]) == definition.PROXY_COMMAND
    assert tuple(SERVICES["redis"]["command"]) == definition.REDIS_COMMAND
    # Both load balancers read the one configuration file, and set the same variables.
    assert "./deploy:/srv/deploy:ro" in SERVICES["proxy"]["volumes"]
    assert SERVICES["proxy"]["working_dir"] == "/srv"
    assert set(SERVICES["proxy"]["environment"]) == {"PROXY_BIND", "APP_1", "APP_2"}
    config = (BASE_DIR / definition.PROXY_CONFIG).read_text(encoding="utf-8")
    assert set(re.findall(r"\$\{(\w+)\}", config)) == {"PROXY_BIND", "APP_1", "APP_2"}


def test_the_image_and_the_stack_use_the_production_settings_and_build_steps(stack):
    assert f"DJANGO_SETTINGS_MODULE={definition.SETTINGS_MODULE}" in DOCKERFILE
    assert " ".join(definition.COLLECTSTATIC_COMMAND) in DOCKERFILE
    assert stack.site_env()["DJANGO_SETTINGS_MODULE"] == definition.SETTINGS_MODULE


def test_both_set_every_variable_the_site_needs(stack):
    assert set(production_required()) <= set(definition.SITE_ENVIRONMENT)
    env = stack.site_env()
    assert [name for name in definition.SITE_ENVIRONMENT if not env.get(name)] == []
    # compose wires some to its services and takes the rest from .env (its header says which).
    wired = set(SERVICES["app-1"]["environment"])
    header = (BASE_DIR / "compose.yaml").read_text(encoding="utf-8").split("x-app:")[0]
    from_env_file = set(re.findall(r"\b([A-Z][A-Z_]+)=", header))
    missing = set(definition.SITE_ENVIRONMENT) - wired - from_env_file
    assert missing == set()
    assert SERVICES["app-1"]["env_file"] == ".env"


def test_app_instances_are_reached_only_through_the_proxy():
    for name in definition.APP_INSTANCES:
        assert "ports" not in SERVICES[name], name
    assert SERVICES["proxy"]["ports"] == ["127.0.0.1:8000:8000"]


def test_every_manage_py_command_named_exists():
    compose = (BASE_DIR / "compose.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r'manage\.py"?,?\s+"?([a-z_]+)', compose))
    named |= {command[0] for command, _ in JOBS}
    assert {"run_scheduler", "db_worker", "migrate", "enforce_retention"} <= named
    assert sorted(named - set(get_commands())) == []


def test_the_proxys_error_page_is_a_valid_http_response():
    raw = (BASE_DIR / "deploy" / "errors" / "unavailable.http").read_bytes()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"HTTP/1.1 503 Service Unavailable"
    headers = dict(line.split(b": ", 1) for line in lines[1:])
    assert int(headers[b"Content-Length"]) == len(body)
    assert headers[b"Retry-After"].isdigit()
    assert b'lang="nb"' in body


@pytest.mark.skipif(
    not shutil.which("haproxy") and not os.environ.get("CI"), reason="HAProxy is not installed"
)
def test_haproxy_accepts_the_configuration():
    result = subprocess.run(  # noqa: S603
        [shutil.which("haproxy") or "haproxy", "-c", "-f", definition.PROXY_CONFIG],
        cwd=BASE_DIR,
        env={"PROXY_BIND": "127.0.0.1:1", "APP_1": "127.0.0.1:2", "APP_2": "127.0.0.1:3"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_scheduler_backs_up_to_a_volume_with_the_media_and_the_image_has_pg_dump():
    scheduler = SERVICES["scheduler"]
    backup_dir = scheduler["environment"]["BACKUP_DIR"]
    # The rest of its environment is the app's, not a copy that can drift.
    assert {k: v for k, v in scheduler["environment"].items() if k != "BACKUP_DIR"} == (
        SERVICES["app-1"]["environment"]
    )
    mounts = {volume.split(":")[1]: volume.split(":")[0] for volume in scheduler["volumes"]}
    assert mounts[backup_dir] in COMPOSE["volumes"]
    assert mounts["/app/media"] == "media"
    assert "postgresql-client" in DOCKERFILE
    assert backup_dir in re.search(r"^RUN mkdir -p (.*)$", DOCKERFILE, re.MULTILINE).group(1)
