from __future__ import annotations


def configure() -> None:
    """Placeholder until the client lands."""
    raise SystemExit("not yet")
