"""Toggl's wire contract, one module per resource: functions that build ``ApiRequest`` values and decode answers."""

from .request import Api, ApiRequest, RequestMethod, build_httpx_request, split_legacy_parameters

__all__ = ["Api", "ApiRequest", "RequestMethod", "build_httpx_request", "split_legacy_parameters"]
