from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("", views.give, name="give"),
    path("vipps/webhook/", views.vipps_webhook, name="vipps_webhook"),
    path("<uuid:intent_id>/", views.intent, name="intent"),
    path("<uuid:intent_id>/start/", views.start, name="start"),
    path("<uuid:intent_id>/retur/", views.returned, name="returned"),
]
