"""Friendly Chinese error pages (issue 10, part 9): 404 and 403 in the site's layout with a way home and to log in;
the 500 page self-contained (no context processors, database, URL reversing or static files)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path

pytestmark = pytest.mark.django_db


def _boom(request):
    raise RuntimeError("boom")


def _forbidden(request):
    raise PermissionDenied


# a test urlconf: the project's URLs plus two views that fail (@pytest.mark.urls("core.tests.test_error_pages"))
urlpatterns = [
    path("test-boom/", _boom),
    path("test-forbidden/", _forbidden),
    path("", include("yijian.urls")),
]


def test_an_unknown_url_answers_the_chinese_404_page(settings):
    assert not settings.DEBUG
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert 'href="/"' in body and "返回首页" in body
    assert "/accounts/login/?next=/no-such-page/" in body  # anonymous: a way to log in


def test_the_404_page_for_a_logged_in_user_offers_no_login(client_for):
    response = client_for("citizen").get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "/accounts/login/?next=" not in body


@pytest.mark.urls("core.tests.test_error_pages")
def test_a_permission_denied_answers_the_chinese_403_page(client_for):
    response = client_for("citizen").get("/test-forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body and "返回首页" in body
    assert "使用其他账号登录" in body


@pytest.mark.urls("core.tests.test_error_pages")
def test_an_exception_answers_the_self_contained_chinese_500_page():
    response = Client(raise_request_exception=False).get("/test-boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统出错了" in body and 'href="/"' in body
    assert "/static/" not in body  # nothing that could fail to load while the server is failing


def test_the_500_template_renders_without_a_request_or_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert "系统出错了" in html


def test_every_page_links_the_favicon_and_favicon_ico_redirects_to_it():
    client = Client()
    home = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in home
    assert 'rel="icon"' in client.get("/no-such-page/").content.decode()
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200
    assert b"<svg" in b"".join(icon.streaming_content) if icon.streaming else b"<svg" in icon.content
