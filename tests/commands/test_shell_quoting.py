"""The printed resume command is quoted for the shell that will run it."""

from __future__ import annotations

import shlex

import pytest

from vehreg_sdk.cli._shell import current_shell, shell_join

WORDS = ["vehreg", "bulk", "submit", r"D:\招生 2026\学生 名单.xlsx", "--store", "st_1"]


def test_posix_uses_shlex_and_round_trips() -> None:
    tricky = [*WORDS, "it's", "$HOME", "a&b"]
    line = shell_join(tricky, "posix")
    assert shlex.split(line) == tricky


def test_cmd_uses_double_quotes_and_protects_its_special_characters() -> None:
    line = shell_join([*WORDS, "--journal", r"C:\runs\a&b.sqlite", "x^y"], "cmd")
    assert line == (
        r'vehreg bulk submit "D:\招生 2026\学生 名单.xlsx" --store st_1 '
        r'--journal "C:\runs\a&b.sqlite" "x^y"'
    )
    assert "'" not in line  # cmd.exe does not read single quotes


def test_cmd_keeps_a_trailing_backslash_inside_the_quotes() -> None:
    # "C:\dir\" would escape the closing quote for the program's argument parser
    assert shell_join([r"C:\my dir" + "\\"], "cmd") == r'"C:\my dir\\"'


def test_powershell_uses_single_quotes_and_doubles_embedded_ones() -> None:
    line = shell_join([*WORDS, "--journal", r"C:\runs\O'Brien $x.sqlite"], "powershell")
    assert line == (
        r"vehreg bulk submit 'D:\招生 2026\学生 名单.xlsx' --store st_1 "
        r"--journal 'C:\runs\O''Brien $x.sqlite'"
    )
    assert shell_join([r"C:\Program Files\vehreg.exe", "bulk"], "powershell").startswith("& '")


def test_the_shell_is_chosen_by_platform() -> None:
    assert current_shell("linux") == "posix"
    cmd_env = {"PSModulePath": r"C:\Program Files\WindowsPowerShell\Modules"}
    ps_env = {"PSModulePath": r"C:\Users\clerk\Documents\WindowsPowerShell\Modules;C:\x"}
    # no parent shell to be found here (not Windows): the environment decides
    assert current_shell("win32", cmd_env) == "cmd"
    assert current_shell("win32", ps_env) == "powershell"


@pytest.mark.parametrize("shell", ["cmd", "powershell"])
def test_plain_words_are_left_bare(shell: str) -> None:
    assert shell_join(["vehreg", "bulk", "submit", "a.xlsx"], shell) == "vehreg bulk submit a.xlsx"  # type: ignore[arg-type]
