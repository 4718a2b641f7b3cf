"""Mutation run over ``src/vehreg_sdk/rules/``: does ``tests/rules`` pin every boundary?

One change at a time, each run against ``tests/rules`` in a copy of the package:

* a comparison's bound: ``<`` <-> ``<=``, ``>`` <-> ``>=``;
* a number: an integer ``n`` -> ``n + 1`` (so ``date(2019, 4, 15)`` -> 16 April, ``2001``
  -> ``2002``), a float ``x`` -> ``10 * x`` (``0.05`` -> ``0.5``);
* a regular expression's repetition (in ``re.compile(...)`` and ``*_PATTERN``
  constants): ``{n}`` -> ``{n+1}``, ``{m,n}`` -> ``{m+1,n}`` and ``{m,n+1}``;
* a character set written as ``frozenset("UZ0")``: each character dropped in turn.

The tests are ``tests/rules`` without ``test_robustness.py`` (the hypothesis fuzz: it
proves that nothing raises, not where a bound lies, and costs a minute a mutant).

A mutant is *killed* when the tests fail (or time out), *survives* when they pass.
Not mutated, and why: docstrings; slice bounds (``text[:40]``, how much of a value a
message shows, not a rule); cache sizes and other lines marked ``# pragma: no mutate``
(mutmut's marker), each with a comment saying why the mutant would be equivalent.

mutmut is not used: it mutates every operator, string literal and keyword of the
package (thousands of mutants here, hours on a shared two-core machine). This
runner keeps the boundary operators and constants the issue names, and runs the
test files likeliest to kill a mutant first with ``-x``, so a killed mutant costs
a few seconds.

    python bench/mutate_rules.py                 # every module; prints the survivors
    python bench/mutate_rules.py --module sale   # one module
    python bench/mutate_rules.py --list          # the mutants, without running them

The figure is recorded in docs/rules.md ("Mutation testing"). Exit status: 0 when
no mutant survives, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "vehreg_sdk"
RULES = PACKAGE / "rules"
TESTS = ROOT / "tests" / "rules"
NO_MUTATE = "pragma: no mutate"
TIMEOUT_S = 300
_SWAPS = {ast.Lt: "<=", ast.LtE: "<", ast.Gt: ">=", ast.GtE: ">"}
_TOKENS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")


@dataclass(frozen=True)
class Mutant:
    module: str
    line: int
    start: int  # byte offsets into the module's source
    end: int
    replacement: bytes
    description: str

    def apply(self, source: bytes) -> bytes:
        return source[: self.start] + self.replacement + source[self.end :]


def _offsets(source: bytes) -> list[int]:
    """The byte offset at which each line starts (ast columns are UTF-8 byte offsets)."""
    starts = [0]
    for index, byte in enumerate(source):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts


def _skipped_nodes(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, slice bounds, f-string parts."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body:
            first = body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                skipped.add(id(first.value))
        if isinstance(node, ast.Slice | ast.JoinedStr):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _regex_literals(tree: ast.AST) -> set[int]:
    """ids of the string literals that are regular expressions.

    The first argument of ``re.compile`` / ``re.fullmatch`` …, a module constant named
    ``*_PATTERN``, and a constant spliced into an f-string given to ``re.compile``; a
    message that shows a pattern to the clerk is not one.
    """
    regex_names: set[str] = set()
    found: set[int] = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
        ):
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant):
            found.add(id(first))
        regex_names |= {n.id for n in ast.walk(first) if isinstance(n, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            names = {t.id for t in node.targets if isinstance(t, ast.Name)}
            if names & regex_names or any(name.endswith("PATTERN") for name in names):
                found.add(id(node.value))
    return found


def mutants_of(path: Path) -> Iterator[Mutant]:
    source = path.read_bytes()
    lines = source.decode("utf-8").splitlines()
    starts = _offsets(source)
    tree = ast.parse(source)
    skipped = _skipped_nodes(tree)
    patterns = _regex_literals(tree)
    module = path.stem

    def at(line: int, col: int) -> int:
        return starts[line - 1] + col

    def marked(node: ast.AST) -> bool:
        first, last = node.lineno, getattr(node, "end_lineno", node.lineno) or node.lineno
        return any(NO_MUTATE in lines[n - 1] for n in range(first, last + 1))

    for node in ast.walk(tree):
        if id(node) in skipped or not hasattr(node, "lineno") or marked(node):
            continue
        if isinstance(node, ast.Compare):
            left: ast.expr = node.left
            for op, right in zip(node.ops, node.comparators, strict=True):
                if type(op) in _SWAPS and left.end_lineno is not None:
                    lo = at(left.end_lineno, left.end_col_offset or 0)
                    hi = at(right.lineno, right.col_offset)
                    between = source[lo:hi]
                    token = _TOKENS[type(op)].encode()
                    found = between.find(token)
                    if found >= 0:
                        yield Mutant(
                            module,
                            node.lineno,
                            lo + found,
                            lo + found + len(token),
                            _SWAPS[type(op)].encode(),
                            f"{_TOKENS[type(op)]} -> {_SWAPS[type(op)]}",
                        )
                left = right
        elif isinstance(node, ast.Constant) and node.end_lineno is not None:
            start = at(node.lineno, node.col_offset)
            end = at(node.end_lineno, node.end_col_offset or 0)
            value = node.value
            if isinstance(value, bool) or value is None:
                continue
            if isinstance(value, int):
                yield Mutant(module, node.lineno, start, end, str(value + 1).encode(),
                             f"{value} -> {value + 1}")  # fmt: skip
            elif isinstance(value, float):
                yield Mutant(module, node.lineno, start, end, repr(value * 10).encode(),
                             f"{value!r} -> {value * 10!r}")  # fmt: skip
            elif isinstance(value, str) and id(node) in patterns:
                yield from _string_mutants(module, node, source[start:end], start)


def _string_mutants(
    module: str, node: ast.Constant, literal: bytes, start: int
) -> Iterator[Mutant]:
    text = literal.decode("utf-8")
    for match in _QUANTIFIER.finditer(text):
        low, high = match.group(1), match.group(2)
        options = [f"{{{int(low) + 1}}}"] if high is None else []
        if high is not None:
            options.append(f"{{{int(low) + 1},{high}}}")
            if high:
                options.append(f"{{{low},{int(high) + 1}}}")
        for option in options:
            changed = text[: match.start()] + option + text[match.end() :]
            yield Mutant(module, node.lineno, start, start + len(literal), changed.encode(),
                         f"regex {match.group(0)} -> {option}")  # fmt: skip


def _frozenset_mutants(path: Path) -> Iterator[Mutant]:
    """``frozenset("UZ0")``: each character dropped."""
    source = path.read_bytes()
    lines = source.decode("utf-8").splitlines()
    starts = _offsets(source)
    for node in ast.walk(ast.parse(source)):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "frozenset"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and NO_MUTATE not in lines[node.lineno - 1]
        ):
            continue
        arg = node.args[0]
        start = starts[arg.lineno - 1] + arg.col_offset
        end = starts[(arg.end_lineno or arg.lineno) - 1] + (arg.end_col_offset or 0)
        chars = str(arg.value)
        for index, char in enumerate(chars):
            kept = chars[:index] + chars[index + 1 :]
            yield Mutant(path.stem, node.lineno, start, end, repr(kept).encode(),
                         f"frozenset drops {char!r}")  # fmt: skip


def all_mutants(only: str | None) -> list[Mutant]:
    found: list[Mutant] = []
    for path in sorted(RULES.glob("*.py")):
        if only and path.stem != only:
            continue
        found += [*mutants_of(path), *_frozenset_mutants(path)]
    return found


#: Not run against mutants: the hypothesis fuzz proves that no input makes a rule raise,
#: not where a boundary lies, and its 150 examples a test cost a minute per survivor.
_NOT_RUN = frozenset({"test_robustness.py"})  # pragma: no mutate
#: Test files that most often kill a mutant of any module (run before the rest).
_LIKELY = ("test_boundaries.py", "test_dates_and_time_zones.py", "test_known_vectors.py")


def _test_order(module: str) -> tuple[list[str], list[str]]:
    """The test files likeliest to kill a mutant of ``module``, and every test file.

    The likely ones run first on their own: collecting all of ``tests/rules`` costs
    more than running a few files, and ``-x`` stops at the first failure.
    """
    every = sorted(TESTS.glob("test_*.py"))
    stem = module.lstrip("_").split("_")[0]
    likely = [TESTS / name for name in _LIKELY]
    likely += [p for p in every if stem in p.stem and p not in likely]
    rest = [str(p) for p in every if p.name not in _NOT_RUN and p not in likely]
    return [str(p) for p in likely], [str(p) for p in likely] + rest


#: Only the plugins tests/rules uses (PYTEST_DISABLE_PLUGIN_AUTOLOAD): loading every
#: installed one costs more than a killed mutant's tests.
_PLUGINS = ("-p", "_hypothesis_pytestplugin", "-p", "pytest_asyncio.plugin")


def _pytest(paths: list[str], env: dict[str, str]) -> int:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *_PLUGINS,
         "--hypothesis-seed=0", *paths],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT_S,
    )  # fmt: skip
    return result.returncode


def _judge(mutant: Mutant, env: dict[str, str]) -> str:
    """Killed or survived: the likeliest test files first (a kill is cheap), then all."""
    likely, everything = _test_order(mutant.module)
    for paths in (likely, everything):
        code = _pytest(paths, env)
        if code == 1:
            return "killed"
        if code != 0:
            return f"killed (pytest exit {code})"
    return "survived"


def _environment(workdir: Path) -> dict[str, str]:
    """A copy of the package in ``workdir``, and the environment that imports it first."""
    copy = workdir / "src" / "vehreg_sdk"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return {
        **os.environ,
        "PYTHONPATH": str(workdir / "src"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def run(mutants: list[Mutant], workdir: Path, workers: int = 1) -> list[tuple[Mutant, str]]:
    """Every mutant's fate, ``workers`` at a time (each in its own copy of the package)."""
    if _pytest([str(p) for p in _test_order("")[1]], _environment(workdir / "baseline")) != 0:
        raise SystemExit("tests/rules fail without any mutation")
    survivors: list[tuple[Mutant, str]] = []
    lock = threading.Lock()
    done = iter(range(1, len(mutants) + 1))

    def work(share: list[Mutant], index: int) -> None:
        env = _environment(workdir / f"worker{index}")
        copy = workdir / f"worker{index}" / "src" / "vehreg_sdk"
        for mutant in share:
            target = copy / "rules" / f"{mutant.module}.py"
            original = target.read_bytes()
            target.write_bytes(mutant.apply(original))
            began = time.monotonic()
            try:
                outcome = _judge(mutant, env)
            except subprocess.TimeoutExpired:
                outcome = "killed (timeout)"
            finally:
                target.write_bytes(original)
            where = f"rules/{mutant.module}.py:{mutant.line}"
            with lock:
                took = time.monotonic() - began
                print(f"[{next(done)}/{len(mutants)}] {outcome:9} {where:34} "
                      f"{mutant.description}  ({took:.1f} s)", flush=True)  # fmt: skip
                if outcome == "survived":
                    survivors.append((mutant, where))

    threads = [
        threading.Thread(target=work, args=(mutants[index::workers], index))
        for index in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return survivors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", help="only this module of rules/ (its stem: sale, people)")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    parser.add_argument("--workers", type=int, default=1, help="mutants run at once (default 1)")
    parser.add_argument(
        "--rerun", type=Path, help="only the mutants a previous run's output lists as survived"
    )
    args = parser.parse_args()
    mutants = all_mutants(args.module)
    if args.rerun:
        survived = set(re.findall(r"survived: (\S+)  (.+)", args.rerun.read_text("utf-8")))
        mutants = [
            m for m in mutants if (f"rules/{m.module}.py:{m.line}", m.description) in survived
        ]
    if args.list:
        for mutant in mutants:
            print(f"rules/{mutant.module}.py:{mutant.line}  {mutant.description}")
        print(f"{len(mutants)} mutants")
        return 0
    with tempfile.TemporaryDirectory(prefix="vehreg-mutants-") as tmp:
        survivors = run(mutants, Path(tmp), args.workers)
    print(f"\n{len(mutants)} mutants, {len(mutants) - len(survivors)} killed, "
          f"{len(survivors)} survived")  # fmt: skip
    for mutant, where in survivors:
        print(f"  survived: {where}  {mutant.description}")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
