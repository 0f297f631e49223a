from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("sjekk-e-posten/", views.check_email, name="check_email"),
    path("bekreft/<str:token>/", views.confirm, name="confirm"),
    path("<str:token>/", views.own, name="own"),
    path("<str:token>/betal/", views.pay, name="pay"),
    path("<str:token>/retur/", views.returned, name="returned"),
    path("<str:token>/meld-ut/", views.resign, name="resign"),
]
