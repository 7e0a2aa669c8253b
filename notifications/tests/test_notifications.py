"""The outbox: queueing, delivery through the configured sender, the inbox and the developer outbox pages."""

import logging

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.choices import Channel, MessageStatus
from notifications.models import Message
from notifications.senders import Sender
from notifications.services import deliver_message, do_queue_message

pytestmark = pytest.mark.django_db


class FailingSender(Sender):
    """An SMS gateway that is down."""

    def send(self, message):
        raise ConnectionError("gateway unreachable")


def queue_sms(user, body="您的申请已受理。", **fields) -> Message:
    return do_queue_message(
        recipient=user, channel=Channel.SMS, kind="case.received", subject="受理通知", body=body, **fields
    )


def queue_site(user, body="您的申请已受理。", **fields) -> Message:
    return do_queue_message(recipient=user, channel=Channel.SITE, kind="case.received", body=body, **fields)


def test_an_sms_is_delivered_by_the_console_sender_once_the_transaction_commits(
    user_named, caplog, django_capture_on_commit_callbacks
):
    citizen = user_named("citizen")
    caplog.set_level(logging.INFO, logger="yijian.outbox")
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(citizen, case_number="YJ2026000001", acting_user=user_named("xinxiang_window"))
        assert message.status == MessageStatus.QUEUED  # nothing goes out before the commit
        assert not caplog.records

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 1, "")
    assert message.sent_at is not None
    assert message.mobile == "13800000001"  # the recipient's mobile, kept as it was at the time
    assert message.created_by == user_named("xinxiang_window")
    assert [r.name for r in caplog.records] == ["yijian.outbox"]
    assert "138****0001" in caplog.text and "受理通知: 您的申请已受理。" in caplog.text
    assert "13800000001" not in caplog.text  # the log shows the mobile number masked

    deliver_message(message.pk)  # a retried task sends nothing twice
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_message_queued_in_a_rolled_back_transaction_is_never_sent(user_named, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue_sms(user_named("citizen"))
        raise RuntimeError("the case could not be saved")
    assert callbacks == []
    assert not Message.objects.exists()


def test_a_failing_sender_marks_the_message_failed_and_a_retry_sends_it(
    user_named, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFICATION_SENDER = "notifications.tests.test_notifications.FailingSender"
    with django_capture_on_commit_callbacks(execute=True):
        message = queue_sms(user_named("citizen"))
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (MessageStatus.FAILED, 1, None)
    assert message.last_error == "ConnectionError: gateway unreachable"

    settings.NOTIFICATION_SENDER = "notifications.senders.ConsoleSender"
    deliver_message(message.pk)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (MessageStatus.SENT, 2, "")


def test_an_sms_to_a_number_without_an_account(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = do_queue_message(mobile="138 0000 0099", channel=Channel.SMS, kind="test", body="测试")
    message.refresh_from_db()
    assert (message.recipient, message.mobile, message.status) == (None, "13800000099", MessageStatus.SENT)


def test_a_site_message_is_delivered_by_being_stored(user_named, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = queue_site(user_named("citizen"))
    assert callbacks == []  # no sender involved
    assert message.status == MessageStatus.SENT and message.sent_at == message.created_at


def test_impossible_messages_are_refused(user_named):
    staff = user_named("xinxiang_window")  # has no mobile
    with pytest.raises(ValueError):
        do_queue_message(recipient=staff, channel=Channel.SMS, kind="test", body="测试")
    with pytest.raises(ValueError):
        do_queue_message(mobile="13800000001", channel=Channel.SITE, kind="test", body="测试")


# ---------------------------------------------------------------- inbox


def test_the_inbox_shows_my_own_messages_newest_first(client_for, user_named):
    citizen, spouse = user_named("citizen"), user_named("citizen_spouse")
    queue_site(citizen, body="第一条：材料已收到。")
    queue_sms(citizen, body="第二条：已办结。", case_number="YJ2026000002")
    queue_site(spouse, body="李四的消息。")
    do_queue_message(recipient=citizen, channel=Channel.SMS, kind="otp", body="您的登录验证码为 123456")

    response = client_for("citizen").get(reverse("notifications:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "我的消息" in body
    assert body.index("第二条：已办结。") < body.index("第一条：材料已收到。")
    assert "YJ2026000002" in body and "短信" in body and "站内信" in body
    assert "李四的消息。" not in body
    assert "123456" not in body  # login codes are not kept in the inbox

    assert "李四的消息。" in client_for("citizen_spouse").get(reverse("notifications:inbox")).content.decode()


def test_the_inbox_needs_a_login(client_for):
    response = client_for(None).get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


# ---------------------------------------------------------------- developer outbox


@pytest.mark.security
def test_anonymous_visitors_cannot_read_login_codes_in_the_outbox_whatever_debug_says(client_for, user_named, settings):
    """The takeover found in issue 11: the outbox showed one-time login codes to anonymous visitors."""
    queue_sms(user_named("citizen"), body="您的登录验证码为 654321，5分钟内有效。")
    for debug in (False, True):
        settings.DEBUG = debug
        response = client_for(None).get(reverse("notifications:outbox"))
        assert response.status_code == 404
        assert "654321" not in response.content.decode()


@pytest.mark.security
@pytest.mark.parametrize(
    ("debug", "username", "status"),
    [
        (False, "admin", 404),
        (True, "admin", 200),
        (True, "xinxiang_window", 404),
        (True, "xinxiang_supervisor", 404),
        (True, "citizen", 404),
    ],
)
def test_the_developer_outbox_is_only_for_system_administrators_while_debug(
    client_for, settings, debug, username, status
):
    settings.DEBUG = debug
    assert client_for(username).get(reverse("notifications:outbox")).status_code == status


@pytest.mark.security
def test_the_outbox_never_shows_a_login_code_even_to_the_administrator(client_for, user_named, settings):
    settings.DEBUG = True
    do_queue_message(recipient=user_named("citizen"), channel=Channel.SMS, kind="otp", body="您的登录验证码为 654321。")
    queue_site(user_named("citizen_spouse"), body="李四的消息。")
    body = client_for("admin").get(reverse("notifications:outbox")).content.decode()
    assert "654321" not in body
    assert "李四的消息。" in body and "登录验证码，不显示" in body


@pytest.mark.security
def test_the_console_sender_logs_no_login_code_and_no_identity_number(
    user_named, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO, logger="yijian.outbox")
    with django_capture_on_commit_callbacks(execute=True):
        do_queue_message(recipient=user_named("citizen"), channel=Channel.SMS, kind="otp", body="验证码 654321。")
        queue_sms(user_named("citizen"), body="张三（410721199003070010）的申请已受理。")
    assert len(caplog.records) == 2
    assert "654321" not in caplog.text
    assert "410721199003070010" not in caplog.text and "410721********0010" in caplog.text
    assert "13800000001" not in caplog.text


def test_the_outbox_queries_do_not_grow_with_the_messages(client_for, user_named, settings):
    settings.DEBUG = True

    def count_queries() -> int:
        client = client_for("admin")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("notifications:outbox")).status_code == 200
        return len(ctx.captured_queries)

    for name in ("citizen", "citizen_spouse"):
        queue_site(user_named(name))
    count_queries()  # what the process keeps (the working calendar) is read once
    few = count_queries()
    for name in ("retiree", "enterprise", "citizen", "citizen_spouse"):
        queue_site(user_named(name))
        queue_sms(user_named(name))
    assert count_queries() == few
