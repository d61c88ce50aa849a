"""Constants of the webhook tests."""

from __future__ import annotations

RECEIVER_URL = "https://hooks.example.test/toggl"
SECRET = "test-webhook-secret-0001"
