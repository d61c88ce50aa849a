"""Developer sessions: ``nox -s tests lint typecheck docs bench generate``."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.reuse_existing_virtualenvs = True

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The whole test suite."""
    session.install("-e", ".[all,test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def generate(session: nox.Session) -> None:
    """Regenerate the sync code from the async source."""
    session.run("python", "scripts/unasync.py", external=True)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and the generated sync code being up to date."""
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "scripts", "benchmarks")
    session.run("python", "scripts/unasync.py", "--check", external=True)


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on the package."""
    session.install("-e", ".[all]", "mypy")
    session.run("mypy", "--strict", "src/toggl_api")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with --strict."""
    session.install("-e", ".[all,docs]")
    session.run("mkdocs", "build", "--strict")


@nox.session
def bench(session: nox.Session) -> None:
    """Cache benchmarks beside raw baselines (and toggl-api-wrapper 2.2.0 with --wrapper)."""
    session.install("-e", ".[all]")
    session.run("python", "benchmarks/bench_cache.py", *session.posargs)
