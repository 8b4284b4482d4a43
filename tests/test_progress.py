"""Progress bars: drawn on a terminal, silent when piped, quiet, or switched off."""

from __future__ import annotations

import io
import sys
import types

import pytest
from click.testing import CliRunner

from geo_tracker import progress
from geo_tracker.cli import main
from geo_tracker.progress import progress_bar, progress_enabled, set_enabled, track, write


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def auto_mode(monkeypatch):
    """Every test starts in auto mode, with no environment override."""
    monkeypatch.delenv(progress.ENV_VAR, raising=False)
    set_enabled(None)
    yield
    set_enabled(None)


def test_bar_drawn_on_a_terminal():
    term = FakeTerminal()
    with progress_bar(total=3, desc="batch", unit=" reports", file=term) as bar:
        bar.update(3)
    assert bar.enabled
    assert "batch" in term.getvalue() and "3/3" in term.getvalue()


def test_no_bar_when_piped():
    pipe = io.StringIO()
    with progress_bar(total=3, desc="batch", file=pipe) as bar:
        bar.update(2)
        bar.update()
    assert not bar.enabled and bar.n == 3
    assert pipe.getvalue() == ""


def test_quiet_wins_over_a_terminal():
    term = FakeTerminal()
    with progress_bar(total=3, file=term, quiet=True) as bar:
        bar.update(3)
    assert not bar.enabled and term.getvalue() == ""
    assert not progress_enabled(True, quiet=True, file=term)


def test_process_wide_switch():
    term = FakeTerminal()
    set_enabled(False)
    assert not progress_enabled(file=term)
    set_enabled(True)
    assert progress_enabled(file=io.StringIO())
    set_enabled(None)
    assert progress_enabled(file=term) and not progress_enabled(file=io.StringIO())


@pytest.mark.parametrize(("value", "expected"), [("0", False), ("1", True)])
def test_environment_override(monkeypatch, value, expected):
    monkeypatch.setenv(progress.ENV_VAR, value)
    assert progress_enabled(file=FakeTerminal()) is expected
    assert progress_enabled(file=io.StringIO()) is expected


def test_notebook_shows_a_bar_without_a_terminal(monkeypatch):
    shell = type("ZMQInteractiveShell", (), {})()
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))
    assert progress_enabled(file=io.StringIO())
    assert progress._tqdm_class().__module__.startswith("tqdm")


def test_update_to_follows_a_running_count():
    with progress_bar(enabled=False) as bar:
        for done in (10, 5, 25):  # a count never goes back
            bar.update_to(done)
    assert bar.n == 25


def test_track_counts_and_sizes():
    term = FakeTerminal()
    assert list(track(["a", "b"], desc="ingest", unit=" files", file=term)) == ["a", "b"]
    assert "2/2" in term.getvalue()
    assert list(track(iter(range(3)), quiet=True)) == [0, 1, 2]


def test_write_goes_above_a_running_bar():
    term = FakeTerminal()
    with progress_bar(total=2, desc="batch", file=term) as bar:
        bar.write("skipped: x.csv:3: missing 'text'")
        bar.update(2)
    assert "skipped: x.csv:3: missing 'text'\n" in term.getvalue()
    pipe = io.StringIO()
    write("skipped: y", file=pipe)
    assert pipe.getvalue() == "skipped: y\n"


def test_cli_quiet_switches_bars_off_and_back():
    runner = CliRunner()
    assert runner.invoke(main, ["--quiet", "gazetteer", "list"]).exit_code == 0
    assert not progress_enabled(True)
    assert runner.invoke(main, ["gazetteer", "list"]).exit_code == 0
    assert progress_enabled(True)
