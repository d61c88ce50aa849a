"""Tasks, the people behind user ids, display preferences and a bulk change."""

from __future__ import annotations

from toggl_api import (
    ProjectBody,
    ProjectEndpoint,
    TaskBody,
    TaskEndpoint,
    UserEndpoint,
    WorkspaceUserEndpoint,
)
from toggl_api.config import generate_authentication, retrieve_workspace_id
from toggl_api.meta.cache import JSONCache


def main() -> None:
    auth = generate_authentication()
    workspace_id = retrieve_workspace_id()
    cache = JSONCache("toggl-cache")  # one cache serves every endpoint

    with TaskEndpoint(workspace_id, auth, cache) as tasks:
        open_tasks = tasks.collect()  # open tasks of every project; active="both" adds done ones
        print("open tasks:", ", ".join(sorted(t.name for t in open_tasks)))
        done = tasks.edit(open_tasks[0], TaskBody(active=False))  # a TogglTask knows its project
        print("done:", done.name, done.is_done())

    with WorkspaceUserEndpoint(workspace_id, auth, cache) as members:
        people = members.collect()  # one request; by_user() below is answered from the cache
        me = members.by_user(people[0].user)
        print("members:", len(people), "- first:", me.name if me else None)

    with UserEndpoint(auth) as user:
        prefs = user.get_preferences()
        print("dates as", prefs.date_format, "| 24-hour clock:", prefs.uses_24_hour_clock, "|", prefs.timezone)

    with ProjectEndpoint(workspace_id, auth, cache) as projects:
        some = projects.collect()[:2]
        edits = projects.bulk_edit(*some, body=ProjectBody(color="teal"))  # one PATCH for all of them
        print("recoloured:", len(edits.successes), "failed:", len(edits.failures))


if __name__ == "__main__":
    main()
