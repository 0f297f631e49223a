from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Page

from contact import views as contact_views
from members import views as member_views
from pages.pagination import page_of
from spero_site.cross_site import refuse_cross_site
from spero_site.error_reports import hides_personal_data

SEARCH_RESULTS_PER_PAGE = 10
SEARCH_QUERY_MAX_LENGTH = 200


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /sok/",
        "Disallow: /mine-data/",
        "Disallow: /gave/",
        "Disallow: /medlem/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@hides_personal_data
@refuse_cross_site
@require_POST
def contact_message(request):
    """The contact page's form (pages.ContactPage): without a CSRF token, so the page can be
    stored for every reader; a POST from another site is refused (spero_site/cross_site.py)."""
    from pages.models import ContactPage, OrganisationSettings

    page = ContactPage.objects.live().public().first()
    if page is None:
        raise Http404
    recipient = OrganisationSettings.for_request(request).email
    return contact_views.receive(request, page, recipient=recipient)


@hides_personal_data
@refuse_cross_site
@require_POST
def join_membership(request):
    """The join page's form (pages.MembershipPage), without a CSRF token like the contact form."""
    from pages.models import MembershipPage

    page = MembershipPage.objects.live().public().first()
    if page is None:
        raise Http404
    return member_views.join(request, page)


@require_GET
def search(request):
    query = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_QUERY_MAX_LENGTH]
    results = Page.objects.none()
    if query:
        results = Page.objects.live().public().specific().search(query, operator="and")
    page_of_results = page_of(results, request, SEARCH_RESULTS_PER_PAGE)
    return render(
        request,
        "pages/search.html",
        {"query": query, "results": page_of_results},
    )
