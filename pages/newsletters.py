"""Newsletters as pages: volunteers write one with the body blocks, preview it as the e-mail,
send a test to themselves, and staff send it (newsletter/services.py does the sending; the page
gives it its content). The published page is the web version the e-mail links to."""

import re
from html.parser import HTMLParser

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.fields import StreamField

from newsletter import tasks as newsletter_tasks
from newsletter.services import NewsletterContent
from pages.blocks import NewsletterBodyBlock
from pages.models import BasePage
from pages.pagination import page_of


class NewsletterIndexPage(BasePage):
    """«Tidligere nyhetsbrev»: the published newsletters, newest first."""

    newsletters_per_page = 12

    parent_page_types = ["pages.HomePage"]
    subpage_types = ["pages.NewsletterPage"]
    max_count = 1

    class Meta:
        verbose_name = _("newsletter archive")
        verbose_name_plural = _("newsletter archives")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        newsletters = (
            NewsletterPage.objects.child_of(self).live().order_by("-first_published_at", "-pk")
        )
        context["newsletters"] = page_of(newsletters, request, self.newsletters_per_page)
        return context


class NewsletterPage(BasePage):
    """One newsletter. Its title is the e-mail's subject."""

    body = StreamField(NewsletterBodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["pages.NewsletterIndexPage"]
    subpage_types = []
    preview_modes = [("", _("Web page")), ("email", _("E-mail"))]

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def newsletter_content(self):
        """The page as the newsletter app sends it: HTML for e-mail programs (every address
        absolute), the same as plain text, and the web version's address."""
        with translation.override(settings.LANGUAGE_CODE):
            html = absolute_addresses(
                render_to_string("pages/emails/newsletter_body.html", {"page": self})
            )
        return NewsletterContent(
            subject=self.title,
            html=html,
            text=html_to_text(html),
            web_url=self.full_url if self.live else "",
        )

    def serve_preview(self, request, mode_name):
        if mode_name == "email":
            return HttpResponse(newsletter_tasks.newsletter_preview(self.newsletter_content()))
        return super().serve_preview(request, mode_name)


_SITE_RELATIVE = re.compile(r'(href|src)="/(?!/)')


def absolute_addresses(html):
    """Links and images in an e-mail must name the site: '/nyheter/' becomes its full URL."""
    return _SITE_RELATIVE.sub(rf'\1="{settings.SITE_BASE_URL}/', html)


class _TextWriter(HTMLParser):
    """HTML to readable plain text: blocks on their own lines, list items with a bullet, links
    with their address after the text, images by their description."""

    BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "blockquote", "figure", "figcaption", "ul"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.links = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((attrs.get("href") or "", len(self.parts)))
        elif tag == "img" and attrs.get("alt"):
            self.parts.append(f"[{attrs['alt']}]")

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href, start = self.links.pop()
            text = "".join(self.parts[start:]).strip()
            if href and href != text and not href.startswith("#"):
                self.parts.append(f" ({href})")
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html):
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    lines = (line.strip() for line in "".join(writer.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
