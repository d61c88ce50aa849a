"""Bounds for every paging and windowing loop: a page cap and a repeated-page guard, as a pure value.

A server that keeps answering full pages, or answers the same page again, would otherwise keep a listing loop
going for ever. Each loop asks ``PageGuard.admit`` before using a page; past the cap or on a page seen before
it raises ``PagingLimitError`` naming the route, so nothing of the unfinished listing is taken as complete.
"""

from __future__ import annotations

from collections.abc import Hashable

from attrs import define, field

from .errors import PagingLimitError

__all__ = ["MAX_PAGES", "PageGuard"]

#: Pages (or time-entry windows) one listing may read: 10 000 pages of 200 projects are two million projects,
#: far beyond any real account, yet small enough that a misbehaving server is noticed in minutes.
MAX_PAGES = 10_000


@define
class PageGuard:
    """Counts the pages of one listing and refuses a repeated page or one past the cap.

    Args:
        route: What is paged, for the error (e.g. ``"GET /workspaces/1/projects"``).
        cap: The most pages allowed (default ``MAX_PAGES``, read when the guard is made).
    """

    route: str
    cap: int = field(factory=lambda: MAX_PAGES)
    pages: int = 0
    _seen: set[Hashable] = field(factory=set, init=False, repr=False)

    def admit(self, fingerprint: Hashable) -> None:
        """Count one more page, identified by ``fingerprint`` (its ids, its cursor or its window).

        Raises:
            PagingLimitError: the page repeats an earlier one, or the cap is exceeded.
        """
        self.pages += 1
        if fingerprint in self._seen:
            msg = (
                f"{self.route}: page {self.pages} repeated an earlier page; stopped instead of looping "
                "(the server's paging is inconsistent; nothing of this listing was marked complete)"
            )
            raise PagingLimitError(msg, route=self.route, pages=self.pages)
        if self.pages > self.cap:
            msg = (
                f"{self.route}: more than {self.cap} pages; stopped at the page cap "
                "(nothing of this listing was marked complete)"
            )
            raise PagingLimitError(msg, route=self.route, pages=self.pages)
        self._seen.add(fingerprint)
