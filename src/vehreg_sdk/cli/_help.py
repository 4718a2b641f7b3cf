"""Help screens that read like a manual: ``REGISTRATION_ID`` in usage lines, no ``<bool>`` on flags.

Typer 0.2x renders help itself (its vendored click and ``rich_utils``), and two of its choices
confuse a newcomer:

* the options panel asks every option for its type (``display_type_rich``), flags included,
  so ``--help``, ``--show`` or ``--raster`` read ``--help <bool>`` as if they took a value;
  the plain-text formatter skips flags (``if not self.is_flag``), the rich panel does not;
* usage lines show a required argument as ``{registration_id}``, which looks like a template
  placeholder left unfilled.

:func:`install` adjusts both on Typer's own parameter classes, once, when the CLI is imported.
Every part is checked with ``hasattr``, so another Typer version degrades to its own output
instead of breaking the CLI; ``tests/docs/test_cli_help.py`` notices such a change.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from typer.core import TyperArgument, TyperOption
    except ImportError:  # a Typer without these classes renders help its own way
        return

    if hasattr(TyperOption, "display_type_rich"):
        value_type = TyperOption.display_type_rich

        def display_type_rich(self: Any, ctx: Any) -> str | None:
            if getattr(self, "is_flag", False) or getattr(self, "count", False):
                return None  # a flag takes no value: show none
            result: str | None = value_type(self, ctx)
            return result

        TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]

    if hasattr(TyperArgument, "_usage_display_name"):

        def usage_display_name(self: Any) -> str:
            name = str(self.metavar if self.metavar is not None else self.name).upper()
            if not self.required:
                name = f"[{name}]"
            if self.nargs != 1:
                name += "..."
            return name

        TyperArgument._usage_display_name = usage_display_name  # type: ignore[method-assign]
