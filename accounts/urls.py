from django.contrib.auth import views as auth_views
from django.urls import path

from . import security, views

app_name = "accounts"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("login/mobile/", views.login_mobile, name="login_mobile"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", security.security, name="security"),
    path("password/", security.password_change, name="password_change"),
    path("two-factor/", security.two_factor_verify, name="two_factor_verify"),
    path("two-factor/setup/", security.two_factor_setup, name="two_factor_setup"),
    path("two-factor/disable/", security.two_factor_disable, name="two_factor_disable"),
]
