from django.urls import path

from twofactor import views

urlpatterns = [
    path("2fa/", views.verify, name="twofactor_verify"),
    path("2fa/ny/", views.enrol, name="twofactor_enrol"),
    path("2fa/oversikt/", views.overview, name="twofactor_overview"),
    path("2fa/nye-koder/", views.renew_recovery_codes, name="twofactor_renew_codes"),
    path("2fa/tilbakestill/<int:user_id>/", views.reset, name="twofactor_reset"),
]
