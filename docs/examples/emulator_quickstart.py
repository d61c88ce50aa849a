"""The emulator without pytest: an in-process client, then the same emulator on a loopback port."""

from __future__ import annotations

import httpx

from toggl_api.testing import Emulator, serve


def main() -> None:
    emulator = Emulator("demo", limits=False)  # demo account, no 429/402 enforcement

    # 1. In process: an httpx.Client whose transport is the emulator (no socket at all).
    with emulator.client() as client:
        me = client.get("/api/v9/me").json()
        print("user:", me["email"])

    # 2. Over HTTP: any tool (curl, another language, a subprocess) can talk to it.
    with serve(emulator) as server:
        token = emulator.account.api_token
        status = httpx.get(f"{server.url}/api/v9/status").json()
        workspaces = httpx.get(f"{server.url}/api/v9/me/workspaces", auth=(token, "api_token")).json()
        print("status:", status["status"])
        print("workspaces:", len(workspaces))

    print("requests seen:", emulator.request_count())


if __name__ == "__main__":
    main()
