import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from workcalendar.services import CalendarNotConfigured, WorkingCalendar, calendar_warnings


def parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期“{text}”格式不对，应为 YYYY-MM-DD。") from None


class Command(BaseCommand):
    help = (
        "Working-day arithmetic with China's holidays and 调休 days. "
        "`workdays add 2026-09-30 5` prints the due date; `workdays between A B` counts working days; "
        "`workdays is 2026-10-10` says whether a date is a working day. Warnings go to stderr."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="due date: N working days after DATE, counting from the next day")
        add.add_argument("date")
        add.add_argument("days", type=int)
        between = sub.add_parser("between", help="working days after START up to END")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="is DATE a working day")
        is_.add_argument("date")

    def handle(self, *args, **options):
        for warning in calendar_warnings():
            self.stderr.write(f"警告：{warning}")
        calendar = WorkingCalendar()
        try:
            if options["action"] == "add":
                if options["days"] < 0:
                    raise CommandError("工作日数不能为负数。")
                self.stdout.write(calendar.add_workdays(parse_date(options["date"]), options["days"]).isoformat())
            elif options["action"] == "between":
                self.stdout.write(
                    str(calendar.workdays_between(parse_date(options["start"]), parse_date(options["end"])))
                )
            else:
                self.stdout.write("工作日" if calendar.is_workday(parse_date(options["date"])) else "休息日")
        except CalendarNotConfigured as exc:
            raise CommandError(exc.message) from None
