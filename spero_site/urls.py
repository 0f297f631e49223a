from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path
from django.views.static import serve as serve_media
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from pages import feeds
from pages import views as page_views

handler500 = "spero_site.views.server_error"

urlpatterns = [
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("sok/", page_views.search, name="search"),
    path("nyheter/feed/", feeds.NewsFeed(), name="news_feed"),
    path("arrangementer/kalender.ics", feeds.events_calendar, name="events_calendar"),
    path("kontakt/send/", page_views.contact_message, name="contact_message"),
    path("medlem/bli-medlem/", page_views.join_membership, name="join_membership"),
    path("opprop/", include("campaigns.urls")),
    path("pamelding/", include("events.urls")),
    path("gave/", include("donations.urls")),
    path("mine-data/", include("privacy.urls")),
    path("nyhetsbrev/", include("newsletter.urls")),
    path("medlem/", include("members.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("dokumenter/", include(wagtaildocs_urls)),
]

if settings.DEBUG or settings.SERVE_LOCAL_FILES:
    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += [path("", include(wagtail_urls))]
