from django.urls import path

from donations import views

app_name = "donations"

urlpatterns = [
    path("", views.give, name="give"),
    path("<uuid:intent_id>/", views.intent, name="intent"),
]
