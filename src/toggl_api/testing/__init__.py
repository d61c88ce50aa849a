"""Offline, stateful emulator of the Toggl Track v9 API (``toggl_api.testing``).

Quick start:

```python
from toggl_api.testing import Emulator

emulator = Emulator("demo", limits=False)
with emulator.client() as client:          # httpx.Client on the in-process transport
    me = client.get("/api/v9/me").json()
```

Or serve it: ``with serve(emulator) as server: httpx.get(server.url + "/api/v9/status")``.

``emulator.webhooks`` (a ``WebhookHub``) is Toggl's webhook side: the Webhooks API routes, and signed
deliveries of every change to in-process ASGI apps (``emulator.webhooks.mount(url, app)``) or over HTTP.
"""

from .app import BASE_URL, Emulator, RecordedRequest
from .clock import FakeClock
from .errors import EmulatorError
from .faults import Fault, FaultRule, Faults
from .limits import Limits, ReportRules
from .seed import (
    DEMO_API_TOKEN,
    DEMO_EMAIL,
    DEMO_PASSWORD,
    OTHER_API_TOKEN,
    OTHER_EMAIL,
    OTHER_PASSWORD,
    TEAMMATE_API_TOKEN,
    TEAMMATE_EMAIL,
    TEAMMATE_PASSWORD,
    DemoAccount,
    seed_demo,
    seed_empty,
)
from .server import EmulatorServer, serve
from .state import Backend
from .webhooks import StaticReceiver, WebhookFaults, WebhookHub

__all__ = [
    "BASE_URL",
    "DEMO_API_TOKEN",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "OTHER_API_TOKEN",
    "OTHER_EMAIL",
    "OTHER_PASSWORD",
    "TEAMMATE_API_TOKEN",
    "TEAMMATE_EMAIL",
    "TEAMMATE_PASSWORD",
    "Backend",
    "DemoAccount",
    "Emulator",
    "EmulatorError",
    "EmulatorServer",
    "FakeClock",
    "Fault",
    "FaultRule",
    "Faults",
    "Limits",
    "RecordedRequest",
    "ReportRules",
    "StaticReceiver",
    "WebhookFaults",
    "WebhookHub",
    "seed_demo",
    "seed_empty",
    "serve",
]
