from __future__ import annotations


def demo() -> None:
    """Placeholder until the client lands."""
    raise SystemExit("not yet")
