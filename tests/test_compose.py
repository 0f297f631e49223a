"""The commands compose.yaml's services run exist, so a renamed or removed command cannot leave
the scheduler failing quietly in production."""

import re

from django.conf import settings
from django.core.management import get_commands


def test_every_manage_py_command_in_compose_exists():
    compose = (settings.BASE_DIR / "compose.yaml").read_text(encoding="utf-8")
    named = set(re.findall(r"manage\.py\s+([a-z_]+)", compose))
    assert {"enforce_retention", "process_donations", "process_waiting_lists"} <= named
    assert sorted(named - set(get_commands())) == []
