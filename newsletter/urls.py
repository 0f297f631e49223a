from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("", views.signup, name="signup"),
    path("sjekk-e-posten/", views.check_email, name="check_email"),
    path("bekreft/<str:token>/", views.confirm, name="confirm"),
    path("avmeld/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
