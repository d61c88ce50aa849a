"""First calls: who am I, which projects exist, start and stop a time entry."""

from __future__ import annotations

from datetime import datetime, timezone

from toggl_api import ProjectEndpoint, TrackerBody, TrackerEndpoint, UserEndpoint
from toggl_api.config import generate_authentication, retrieve_workspace_id


def main() -> None:
    auth = generate_authentication()  # TOGGL_API_TOKEN (+ TOGGL_PASSWORD for an email login)
    workspace_id = retrieve_workspace_id()  # TOGGL_WORKSPACE_ID

    with UserEndpoint(auth) as user:
        print("logged in as", user.get_details()["fullname"])

    with ProjectEndpoint(workspace_id, auth) as projects:
        active = [p for p in projects.collect() if p.active]
        print("active projects:", ", ".join(sorted(p.name for p in active)[:3]), "...")

    with TrackerEndpoint(workspace_id, auth) as trackers:
        # Datetimes must carry a time zone: a naive one raises DateTimeError.
        body = TrackerBody("Reading the docs", start=datetime.now(timezone.utc), project_id=active[0].id)
        entry = trackers.add(body)  # starts it, and Toggl stops the previous running entry
        print("running:", trackers.current().name)
        stopped = trackers.stop(entry)
        print("stopped:", stopped is not None and not stopped.running())


if __name__ == "__main__":
    main()
