"""Daily and weekly digests go on their own schedule, each sent by exactly one sender, and
a mentor asked for help is emailed the same day whatever summary they chose."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from factories import (
    add_member,
    ask,
    client_as,
    first_post,
    make_community,
    make_post,
    make_thread,
    notifications_for,
    offer,
    request_for,
)
from helpers import emails_to, page_text

from community.core.extensions import db
from community.notifications import digests
from community.notifications.models import EmailFrequency, Notification, NotificationKind
from community.outbox.models import OutboxMessage, OutboxStatus

DAILY, WEEKLY = digests.SCHEDULES

# Tuesday 8 December 2026 (GMT: UK time is UTC) and Tuesday 9 June 2026 (BST: UTC+1).
WINTER_TUESDAY = datetime(2026, 12, 8, tzinfo=UTC)
SUMMER_TUESDAY = datetime(2026, 6, 9, tzinfo=UTC)


def at(day: datetime, hour: int, minute: int = 0) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


def digests_to(user) -> list[OutboxMessage]:
    return [e for e in emails_to(user) if e.subject.startswith("Improvement Commons: ")]


@pytest.fixture
def people(make_user):
    fay = make_user("fay-facilitator", name="Fay Facilitator")
    dee = make_user("dee-daily", name="Dee Daily")  # daily, the default
    wyn = make_user("wyn-weekly", name="Wyn Weekly", email_notifications=EmailFrequency.WEEKLY)
    lounge = make_community(fay, "Discharge Lounge", members=[dee, wyn])
    return fay, dee, wyn, lounge


def replies_to(people, written_at: datetime, count: int = 1) -> None:
    """`count` replies by Fay to posts of Dee and of Wyn, notified as written at `written_at`."""
    fay, dee, wyn, lounge = people
    before = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
    for author in (dee, wyn):
        thread = make_thread(author, lounge, f"{author.name}'s question")
        for n in range(count):
            make_post(fay, thread, f"Answer {n}", reply_to=first_post(thread))
    db.session.execute(
        sa.update(Notification).where(Notification.id > before).values(created_at=written_at)
    )
    db.session.commit()


# ---------------------------------------------------------------- when digests fall due


@pytest.mark.parametrize(
    ("now", "daily", "weekly"),
    [
        # 7am UK time, in winter and in summer (when 7am is 6am UTC).
        (at(WINTER_TUESDAY, 9), at(WINTER_TUESDAY, 7), at(WINTER_TUESDAY, 7) - timedelta(days=1)),
        (at(WINTER_TUESDAY, 6, 59), at(WINTER_TUESDAY, 7) - timedelta(days=1),
         at(WINTER_TUESDAY, 7) - timedelta(days=1)),
        (at(SUMMER_TUESDAY, 6), at(SUMMER_TUESDAY, 6), at(SUMMER_TUESDAY, 6) - timedelta(days=1)),
        (at(SUMMER_TUESDAY, 5, 59), at(SUMMER_TUESDAY, 6) - timedelta(days=1),
         at(SUMMER_TUESDAY, 6) - timedelta(days=1)),
        # Monday before 7am: the weekly digest last fell due the Monday before.
        (at(WINTER_TUESDAY, 6) - timedelta(days=1), at(WINTER_TUESDAY, 7) - timedelta(days=2),
         at(WINTER_TUESDAY, 7) - timedelta(days=8)),
    ],
)  # fmt: skip
def test_digests_fall_due_at_seven_in_the_morning_uk_time(app, db, now, daily, weekly):
    assert digests.last_send_time(DAILY, now) == daily
    assert digests.last_send_time(WEEKLY, now) == weekly


def test_a_daily_digest_waits_for_the_morning_then_goes_once(people):
    _, dee, wyn, _ = people
    replies_to(people, at(WINTER_TUESDAY, 8), count=2)

    assert digests.send_due(at(WINTER_TUESDAY, 9)) == 0  # written after this morning's
    assert digests.send_due(at(WINTER_TUESDAY, 7) + timedelta(days=1, minutes=1)) == 1
    assert digests.send_due(at(WINTER_TUESDAY, 7) + timedelta(days=1, minutes=2)) == 0

    [digest] = digests_to(dee)
    assert digest.subject == "Improvement Commons: 2 updates for you"
    assert digest.body_text.count("Fay Facilitator replied to you in") == 2
    assert digests_to(wyn) == []  # weekly: not until Monday


def test_a_weekly_digest_goes_on_monday_morning_with_the_whole_week(people):
    _, dee, wyn, _ = people
    replies_to(people, at(WINTER_TUESDAY, 8))
    replies_to(people, at(WINTER_TUESDAY, 8) + timedelta(days=3))  # Friday
    monday = at(WINTER_TUESDAY, 7) + timedelta(days=6)

    assert digests.send_due(monday - timedelta(minutes=1)) == 1  # Dee's daily one
    assert digests_to(wyn) == []
    assert digests.send_due(monday + timedelta(minutes=1)) == 1

    [digest] = digests_to(wyn)
    assert digest.subject == "Improvement Commons: 2 updates for you"
    assert "Here is what happened this past week:" in digest.body_text
    assert len(digests_to(dee)) == 1


# ---------------------------------------------------------------- exactly one sender


def test_a_sender_that_read_the_same_notifications_late_sends_nothing(people):
    _, dee, _, _ = people
    replies_to(people, at(WINTER_TUESDAY, 8))
    now = at(WINTER_TUESDAY, 7) + timedelta(days=1)
    read_by_the_second_sender = list(
        db.session.scalars(sa.select(Notification.id).where(Notification.recipient_id == dee.id))
    )

    assert digests.send_due(now) == 1  # the first sender
    assert digests.claim(read_by_the_second_sender, now) is False
    db.session.rollback()

    assert len(digests_to(dee)) == 1


def test_two_senders_at_once_send_each_digest_once(app, people, make_user):
    fay, _, _, lounge = people
    members = [make_user(f"member-{n}", name=f"Member {n}") for n in range(6)]
    for member in members:
        add_member(lounge, member)
        make_post(member, make_thread(fay, lounge, f"For {member.name}"), "Hello")  # Fay watches
        make_post(fay, member_thread := make_thread(member, lounge, "Mine"), "Reply",
                  reply_to=first_post(member_thread))  # fmt: skip
    db.session.execute(sa.update(Notification).values(created_at=at(WINTER_TUESDAY, 8)))
    db.session.commit()
    now = at(WINTER_TUESDAY, 7) + timedelta(days=1)
    start, counts, errors = threading.Barrier(2), [], []

    def sender() -> None:
        with app.app_context():
            try:
                start.wait()
                counts.append(digests.send_due(now))
            except Exception as error:  # pragma: no cover - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert sum(counts) == 7  # Fay and each of the six members, once
    for person in [fay, *members]:
        assert len(digests_to(person)) == 1, person.username


# ---------------------------------------------------------------- the watcher sends them


def test_the_outbox_sender_queues_and_sends_due_digests_without_another_command(app, people):
    _, dee, wyn, _ = people
    wyn.email_notifications = EmailFrequency.NONE  # this test is about the daily digest
    replies_to(people, datetime.now(UTC) - timedelta(days=2))
    address = dee.email

    result = app.test_cli_runner().invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "digests: 1 queued" in result.output
    [digest] = digests_to(address)
    assert digest.status == OutboxStatus.SENT
    assert "/account/settings/notifications" in digest.body_text


def test_the_sender_can_leave_digests_to_another(app, people):
    _, dee, wyn, _ = people
    wyn.email_notifications = EmailFrequency.NONE  # this test is about the daily digest
    replies_to(people, datetime.now(UTC) - timedelta(days=2))
    address = dee.email

    result = app.test_cli_runner().invoke(args=["outbox", "send", "--no-digests"])

    assert result.exit_code == 0, result.output
    assert digests_to(address) == []


def test_send_digests_sends_the_weekly_summary_at_once_when_asked(app, people):
    _, _, wyn, _ = people
    replies_to(people, datetime.now(UTC) - timedelta(hours=1))

    result = app.test_cli_runner().invoke(args=["notifications", "send-digests", "--weekly"])

    assert result.output.strip() == "Queued 1 digest email."
    assert len(digests_to(wyn)) == 1


# ---------------------------------------------------------------- choosing


def test_a_member_can_choose_a_weekly_summary(people):
    _, dee, _, _ = people
    client = client_as(dee)

    form = client.get("/account/settings/notifications")
    assert "In a weekly summary, on Mondays" in page_text(form)
    assert "Summaries are sent at 7am (UK time)" in page_text(form)
    client.post("/account/settings/notifications", data={"frequency": "weekly"})

    assert dee.email_notifications == EmailFrequency.WEEKLY
    assert "Email me A weekly summary" in page_text(client.get("/account/settings"))


# ---------------------------------------------------------------- mentors asked for help


@pytest.mark.parametrize(
    "frequency", [EmailFrequency.IMMEDIATE, EmailFrequency.DAILY, EmailFrequency.WEEKLY]
)
def test_a_mentor_asked_for_help_is_emailed_at_once_whatever_summary_they_chose(
    make_user, make_organisation, frequency
):
    requester = make_user("rita-requester", name="Rita Requester")
    mentor = make_user("max-mentor", name="Max Mentor", organisation=make_organisation(),
                       email_notifications=frequency)  # fmt: skip
    offer(mentor)
    request = request_for(requester, title="Build improvement capability")

    ask(requester, request, mentor, message="Could you help us this quarter?")

    [note] = notifications_for(mentor)
    assert note.kind == NotificationKind.MENTOR_ASKED
    assert note.emailed_at is not None  # no digest will hold it back
    [email] = emails_to(mentor)
    assert email.subject.startswith("Rita Requester asked you to mentor")
    assert "Could you help us this quarter?" in email.body_text
    assert f"http://127.0.0.1:5000/mentoring/requests/{request.id}" in email.body_text


def test_a_mentor_who_chose_never_sees_the_ask_only_in_the_app(make_user, make_organisation):
    requester = make_user("rita-requester", name="Rita Requester")
    mentor = make_user("max-mentor", organisation=make_organisation(),
                       email_notifications=EmailFrequency.NONE)  # fmt: skip
    offer(mentor)

    ask(requester, request_for(requester), mentor)

    assert [n.kind for n in notifications_for(mentor)] == [NotificationKind.MENTOR_ASKED]
    assert emails_to(mentor) == []


def test_the_watching_sender_looks_for_due_digests_once_a_minute(app, db, monkeypatch):
    from community.outbox import commands

    class Clock:
        """Passes by each sleep; ends the watch after ten passes of 20 seconds."""

        now = 1000.0
        sleeps = 0

        def monotonic(self) -> float:
            return self.now

        def sleep(self, seconds: float) -> None:
            self.sleeps += 1
            if self.sleeps == 10:
                raise KeyboardInterrupt
            self.now += seconds

    looks = []
    monkeypatch.setattr(commands, "time", Clock())
    monkeypatch.setattr(commands.digest_emails, "send_due", lambda: looks.append(1) or 0)

    app.test_cli_runner().invoke(args=["outbox", "send", "--watch", "--interval", "20"])

    assert len(looks) == 4  # at 0, 60, 120 and 180 seconds of the 200 watched


@pytest.mark.parametrize("hour", [-1, 24])
def test_an_hour_that_is_not_in_the_day_is_refused_at_start(hour):
    import config as config_module

    wrong = type("WrongHour", (config_module.TestConfig,), {"DIGEST_HOUR": hour})
    with pytest.raises(config_module.ConfigError, match="DIGEST_HOUR"):
        wrong.validate()


def test_a_long_digest_lists_fifty_and_counts_the_rest_then_waits_for_the_next_day(
    people, monkeypatch
):
    _, dee, _, _ = people
    monkeypatch.setattr(digests, "DIGEST_LIMIT", 2)
    replies_to(people, at(WINTER_TUESDAY, 8), count=5)
    morning = at(WINTER_TUESDAY, 7) + timedelta(days=1)

    assert digests.send_due(morning) == 1
    assert digests.send_due(morning + timedelta(minutes=1)) == 0

    [digest] = digests_to(dee)
    assert digest.subject == "Improvement Commons: 5 updates for you"
    assert digest.body_text.count("Fay Facilitator replied to you in") == 2
    assert "- and 3 more: http://127.0.0.1:5000/notifications" in digest.body_text
