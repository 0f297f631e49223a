"""Following the site without visiting it: the news as an Atom feed (/nyheter/feed/) and every
upcoming event as an iCalendar feed (/arrangementer/kalender.ics). Their addresses are fixed,
so a subscription keeps working when an editor renames the list pages; each list page links to
its feed with <link rel="alternate">."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from events.calendar import calendar_file, event_entry
from pages.models import ArticlePage, EventIndexPage, NewsIndexPage

NEWS_FEED_ITEMS = 20


def _live(model):
    page = model.objects.live().public().first()
    if page is None:
        raise Http404
    return page


class NewsFeed(Feed):
    feed_type = Atom1Feed
    author_name = "Spero foreningen"

    def get_object(self, request, *args, **kwargs):
        return _live(NewsIndexPage)

    def title(self, news_index):
        return f"{news_index.title} – Spero foreningen"

    def subtitle(self, news_index):
        return news_index.summary

    def link(self, news_index):
        return news_index.url

    def feed_url(self, news_index):
        return news_index.url + "feed/"

    def items(self, news_index):
        articles = ArticlePage.objects.child_of(news_index).live().public()
        return articles.order_by("-date", "-pk")[:NEWS_FEED_ITEMS]

    def item_title(self, article):
        return article.title

    def item_description(self, article):
        return article.summary

    def item_link(self, article):
        return article.url

    def item_pubdate(self, article):
        return timezone.make_aware(datetime.datetime.combine(article.date, datetime.time()))

    def item_updateddate(self, article):
        return article.last_published_at or self.item_pubdate(article)


@require_GET
def events_calendar(request):
    event_index = _live(EventIndexPage)
    upcoming, _past = event_index.conferences()
    entries = [
        event_entry(page.event, url=page.full_url, description=page.summary) for page in upcoming
    ]
    return HttpResponse(
        calendar_file(entries, name=_("Spero foreningen – events")),
        content_type="text/calendar; charset=utf-8",
    )
