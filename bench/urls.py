"""The site's URLs with the benchmark's baseline view in front (before Wagtail's catch-all)."""

from django.urls import path

from bench.views import baseline
from spero_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/baseline/", baseline, name="bench_baseline"), *site_urlpatterns]
