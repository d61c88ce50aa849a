"""A JSON cache in front of the project and tag endpoints: the second read costs no request."""

from __future__ import annotations

from toggl_api import ProjectBody, ProjectEndpoint, TagEndpoint
from toggl_api.config import generate_authentication, retrieve_workspace_id
from toggl_api.meta.cache import JSONCache, TogglQuery


def main() -> None:
    auth = generate_authentication()
    workspace_id = retrieve_workspace_id()
    # One cache for several endpoints; entries older than an hour are fetched again.
    cache = JSONCache("toggl-cache", expire_after=3600)

    with ProjectEndpoint(workspace_id, auth, cache) as projects, TagEndpoint(workspace_id, auth, cache) as tags:
        every = projects.collect(ProjectBody(active="both"))  # asks Toggl; the complete list is stored
        active = projects.collect()  # active ones only: answered from the complete list in the cache
        print(f"projects: {len(every)} from Toggl, {len(active)} active from the cache")
        print("tags:", len(tags.collect()))

        # Offline queries never touch the network.
        archived = projects.query(TogglQuery("active", False))
        print("archived:", ", ".join(sorted(p.name for p in archived)))

    stats = cache.stats
    print(f"hits={stats.hits} misses={stats.misses} requests saved={stats.requests_saved}")


if __name__ == "__main__":
    main()
