"""``python -m toggl_api.testing`` / ``toggl-emulator``: serve the demo account on a local port."""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

from .app import Emulator
from .clock import FakeClock
from .server import EmulatorServer

__all__ = ["main"]


def _wait_until_interrupted() -> None:
    stop = threading.Event()
    while not stop.wait(0.5):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until Ctrl-C; returns the exit code."""
    parser = argparse.ArgumentParser(prog="toggl-emulator", description="Offline Toggl Track API emulator.")
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--seed", choices=("demo", "empty"), default="demo", help="initial data (default: demo)")
    parser.add_argument(
        "--plan", choices=("free", "starter", "premium", "enterprise"), default="free", help="organization plan"
    )
    parser.add_argument("--no-limits", action="store_true", help="do not enforce 429/402 limits")
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="append one JSON line per request (time, method, path, query, status, user agent, duration; "
        "never a token or password)",
    )
    args = parser.parse_args(argv)

    # Real time to the microsecond: a client's `start` is never ahead of the server's `at`.
    clock = FakeClock.system()
    emulator = Emulator(args.seed, clock=clock, limits=not args.no_limits, plan=args.plan, log_file=args.log)
    account = emulator.account
    emulator.webhooks.run_in_background()  # retries and delayed webhook deliveries follow the real clock
    with EmulatorServer(emulator, args.host, args.port) as server:
        print(f"Toggl emulator listening on {server.url}", flush=True)
        print(f"  Track API:   {server.url}/api/v9", flush=True)
        print(f"  Reports API: {server.url}/reports/api/v3", flush=True)
        if account is not None:
            print(f"  API token:   {account.api_token}  (Basic auth: <token>:api_token)", flush=True)
            print(f"  Email:       {account.email}", flush=True)
            print(f"  Password:    {account.password}", flush=True)
            print(f"  Workspace:   {account.workspace_id}", flush=True)
        if args.log:
            print(f"  Request log: {args.log}", flush=True)
        print(emulator.limits.summary(args.plan), flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        try:
            _wait_until_interrupted()
        except KeyboardInterrupt:
            print("\nstopping", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
