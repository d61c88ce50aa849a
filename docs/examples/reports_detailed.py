"""Last week's detailed report: every page, totals per description, and a CSV export."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from toggl_api.config import generate_authentication, retrieve_workspace_id
from toggl_api.reports import DetailedReportEndpoint, ReportBody


def main() -> None:
    auth = generate_authentication()
    workspace_id = retrieve_workspace_id()
    today = date.today()
    body = ReportBody(start_date=today - timedelta(days=6), end_date=today)

    with DetailedReportEndpoint(workspace_id, auth) as reports:
        per_description: Counter[str] = Counter()
        pages = rows = 0
        # iter_pages follows Toggl's X-Next-ID / X-Next-Row-Number cursor until the last page. Each page is a
        # request against the hourly quota: keep Toggl's 50 rows per page (smaller pages cost more requests).
        for page in reports.iter_pages(body):
            pages += 1
            for row in page.result:
                rows += 1
                seconds = sum(entry["seconds"] for entry in row["time_entries"])
                per_description[row["description"] or "(no description)"] += seconds

        totals = reports.totals_report(body)
        reports.export_report(body, "csv", path="last-week.csv")

    print(f"pages: {pages}, rows: {rows}")
    print(f"tracked seconds: {sum(per_description.values())} (totals endpoint: {totals['seconds']})")
    for description, seconds in per_description.most_common(3):
        print(f"  {description}: {seconds / 3600:.1f} h")
    print("exported last-week.csv")


if __name__ == "__main__":
    main()
