from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

PAGE_PARAMETER = "side"


def page_of(items, request, per_page):
    """The page of `items` that ?side= asks for; the first for a missing, invalid or
    out-of-range number (a listing's link never gives a 500)."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get(PAGE_PARAMETER, 1))
    except (PageNotAnInteger, EmptyPage):
        return paginator.page(1)
