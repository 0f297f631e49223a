"""A «Redaktør» publishes a page through one app instance; a reader without cookies asks the
other instance, whose answer comes from the page cache both share in Redis."""

import re

import redis

from tests.faults.load import Visitor

PAGE_PATH = "/visjon/"
TITLE_RE = re.compile(r"<h1[^>]*>(.*?)</h1>", re.S)

DRAFT_CODE = """
import json
from wagtail.models import Page
page = Page.objects.get(url_path__endswith="/visjon/").specific
page.title = TITLE
page.save_revision()
print(json.dumps({"id": page.pk}))
"""


def heading(visitor):
    status, _, html = visitor.request("GET", PAGE_PATH)
    assert status == 200, status
    return TITLE_RE.search(html).group(1).strip()


def stored_pages(stack):
    client = redis.Redis(port=stack.redis_port, socket_timeout=5)
    return sum(1 for _ in client.scan_iter(match="*page-cache:page:*", count=1000))


def publish_on_one_seen_on_other(stack, title):
    """Returns (heading on instance 2 before, after) a publish through instance 1."""
    draft = stack.shell_json(f"TITLE = {title!r}\n" + DRAFT_CODE)
    # Both instances are asked as the load balancer asks them: the site's Host, HTTPS told by
    # the proxy, and the visitor's address from the CDN before it (NUM_PROXIES=2).
    direct = {"X-Forwarded-Proto": "https"}
    reader = Visitor(
        stack.app_ports["app-2"], "10.252.0.1, 127.0.0.1", site_port=stack.port, headers=direct
    )
    before = heading(reader)
    assert heading(reader) == before and stored_pages(stack) > 0  # stored for readers now
    editor = Visitor(
        stack.app_ports["app-1"], "10.252.0.2, 127.0.0.1", site_port=stack.port, headers=direct
    )
    login = "/admin/login/"
    token = editor.csrf_token(login)
    status, location, html = editor.request(
        "POST",
        login,
        {"username": stack.editor, "password": stack.editor_password, "csrfmiddlewaretoken": token},
    )
    # A refused login says why on its page (a wrong password, the lockout): keep it for the report.
    said = re.findall(r'class="[^"]*(?:error|message)[^"]*"[^>]*>\s*([^<]+)', html)
    assert status == 302 and "/admin/login/" not in location, (status, location, said)
    publish = f"/admin/bulk/wagtailcore/page/publish/?id={draft['id']}"
    status, _, _ = editor.request(
        "POST", publish, {"csrfmiddlewaretoken": editor.csrf_token(publish)}
    )
    assert status == 302, status
    after = heading(reader)
    reader.close()
    editor.close()
    return before, after
