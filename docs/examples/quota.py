"""The hourly quota, on an emulator that enforces it: the 402, reading the quota, waiting for the reset."""

from __future__ import annotations

import httpx

from toggl_api import QuotaExceededError, RetryPolicy, TagEndpoint
from toggl_api.testing import Emulator, Limits


def main() -> None:
    # The free plan's 30 requests an hour, on a fake clock: waiting an hour takes no time.
    emulator = Emulator("demo", limits=Limits(burst=False))
    account = emulator.account
    assert account is not None

    with httpx.Client(transport=emulator.transport()) as client:
        tags = TagEndpoint(account.workspace_id, account.auth(), client=client, clock=emulator.clock)
        sent = 0
        try:
            while True:
                tags.collect(refresh=True)  # refresh=True: always a request
                sent += 1
        except QuotaExceededError as exc:
            print(f"refused after {sent} requests: {exc.remaining} left, resets in {exc.resets_in} s")
        print("endpoint.quota:", tags.quota.remaining if tags.quota else None)

        # Opt in to waiting for the reset (at most max_quota_wait seconds, once per call).
        patient = TagEndpoint(
            account.workspace_id,
            account.auth(),
            client=client,
            clock=emulator.clock,
            policy=RetryPolicy(wait_for_quota=True, max_quota_wait=3600),
        )
        print("after waiting:", len(patient.collect(refresh=True)), "tags")
        print("waited:", emulator.clock.sleeps[-1], "s")


if __name__ == "__main__":
    main()
