from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("<slug:slug>/signer/", views.sign, name="sign"),
    path("<slug:slug>/sjekk-e-posten/", views.check_email, name="check_email"),
    path("<slug:slug>/bekreft/<str:token>/", views.confirm, name="confirm"),
    path("<slug:slug>/takk/", views.thanks, name="thanks"),
    path("<slug:slug>/trekk-tilbake/<str:token>/", views.withdraw, name="withdraw"),
    path("<slug:slug>/trukket/", views.withdrawn, name="withdrawn"),
    path("<slug:slug>/count.json", views.count, name="count"),
]
