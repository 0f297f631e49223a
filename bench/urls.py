"""The site's URLs with the benchmark's baseline views in front (before Wagtail's catch-all)."""

from django.urls import path

from bench.views import baseline, baseline_get
from spero_site.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("bench/baseline-get/", baseline_get, name="bench_baseline_get"),
    *site_urlpatterns,
]
