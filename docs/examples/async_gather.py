"""Async: fetch clients, projects and tags at once over one shared httpx.AsyncClient."""

from __future__ import annotations

import asyncio

import httpx

from toggl_api.asyncio import AsyncClientEndpoint, AsyncProjectEndpoint, AsyncTagEndpoint
from toggl_api.config import generate_authentication, retrieve_workspace_id


async def main() -> None:
    auth = generate_authentication()
    workspace_id = retrieve_workspace_id()

    # Endpoints sharing a client also share one view of the quota. The client is yours: close it yourself.
    async with httpx.AsyncClient() as client:
        clients = AsyncClientEndpoint(workspace_id, auth, client=client)
        projects = AsyncProjectEndpoint(workspace_id, auth, client=client)
        tags = AsyncTagEndpoint(workspace_id, auth, client=client)

        found_clients, found_projects, found_tags = await asyncio.gather(
            clients.collect(), projects.collect(), tags.collect()
        )
        print(f"{len(found_clients)} clients, {len(found_projects)} projects, {len(found_tags)} tags")
        quota = projects.quota
        if quota is not None:
            print("quota left:", quota.remaining)


if __name__ == "__main__":
    asyncio.run(main())
