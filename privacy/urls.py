from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_link, name="request"),
    path("<str:token>/", views.data, name="data"),
    path("<str:token>/mine-data.json", views.download, name="download"),
    path("<str:token>/slett/signatur/<int:pk>/", views.erase_signature, name="erase_signature"),
    path(
        "<str:token>/slett/pamelding/<int:pk>/",
        views.erase_registration,
        name="erase_registration",
    ),
    path("<str:token>/slett/gave/<uuid:pk>/", views.erase_donation, name="erase_donation"),
    path(
        "<str:token>/slett/melding/<int:pk>/",
        views.erase_contact_message,
        name="erase_contact_message",
    ),
    path(
        "<str:token>/slett/nyhetsbrev/<int:pk>/",
        views.erase_subscription,
        name="erase_subscription",
    ),
    path("<str:token>/slett/medlemskap/<int:pk>/", views.erase_membership, name="erase_membership"),
]
