from django.urls import path

from events import views

app_name = "events"

urlpatterns = [
    path("<slug:slug>/meld-pa/", views.register, name="register"),
    path("<slug:slug>/sjekk-e-posten/", views.check_email, name="check_email"),
    path("min/<str:token>/", views.registration, name="registration"),
]
