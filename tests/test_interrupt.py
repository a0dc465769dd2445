"""Interrupted batches (issue 11, items 10 and 11): Ctrl+C, SIGTERM or SIGKILL of a running
``docx-aanpak fill`` stops it within 2 seconds, leaves no temporary file and no worker process,
every file it wrote is complete, and a second run with --only-changed --overwrite finishes the job.

The signals are real, sent to a real command-line process in the middle of a batch. The waits are
generous but bounded: the batch is signalled once it has written its first files (whenever that
is on a loaded machine), and only the time from the signal on is held to 2 seconds.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from docx_aanpak import Template
from docx_aanpak.batch import safe_filename

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads worker processes from /proc (Linux)"
)

ROOT = Path(__file__).resolve().parent.parent
PLANS = 600  # enough that the batch is far from done when the first files appear
STOP_WITHIN = 2.0  # seconds, from the signal to the last process gone (the bound)
STARTED = 30  # files written before the signal is sent


def plan(number: int) -> dict[str, str]:
    name = f"Gemeente {number:04d}"
    return {
        "Gemeente": name,
        "lokale_ambitie": f"{name} wil dat jongeren weten waar ze terechtkunnen.\nTweede regel.",
        "handhaving": f"Convenant van {name} met politie en OM.",
    }


@pytest.fixture(scope="module")
def plans_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plannen") / "plannen.json"
    path.write_text(json.dumps([plan(n) for n in range(PLANS)]), encoding="utf-8")
    return path


def children_of(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.add(int(entry.name))
    return found


def running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has stopped


def stop(proc: subprocess.Popen[str], how: str, workers: set[int]) -> tuple[str, float]:
    """Send the signal (``ctrl-c``: SIGINT to the process group, as a terminal does) and wait
    for the command and its workers to end: its standard error, and the seconds that took."""
    signalled = time.monotonic()
    if how == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(getattr(signal, how))
    _, stderr = proc.communicate(timeout=30)
    while any(running(pid) for pid in workers) and time.monotonic() - signalled < 30:
        time.sleep(0.01)
    return stderr, time.monotonic() - signalled


def fill(template_path: Path, plans_file: Path, out: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "docx_aanpak", "fill", str(template_path), str(plans_file),
        "--out", str(out), *extra,
    ]  # fmt: skip


def check_complete(tpl: Template, out: Path, every: int = 1) -> list[Path]:
    """Every .docx in ``out`` is a complete zip, and (every ``every``-th) a plan with its own
    answers; no temporary file is left."""
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"]
    assert leftovers == []
    files = sorted(out.glob("*.docx"))
    expected = {safe_filename(p["Gemeente"]): p for p in map(plan, range(PLANS))}
    for path in files:
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, path
    for path in files[::every]:
        values = tpl.extract(path)
        wanted = expected[path.name]
        assert values["handhaving"] == wanted["handhaving"], path
        assert values["lokale_ambitie"] == wanted["lokale_ambitie"], path
    return files


@pytest.mark.parametrize(
    ("how", "jobs"),
    [
        ("ctrl-c", "2"),  # SIGINT to the whole process group, as a terminal sends it
        ("ctrl-c", "1"),  # … to a batch written in the command's own process
        ("SIGINT", "2"),  # to the command only
        ("SIGTERM", "2"),
        ("SIGTERM", "1"),
        ("SIGKILL", "2"),
    ],
)
def test_a_stopped_batch_stops_at_once_cleanly_and_a_second_run_finishes_it(
    how: str, jobs: str, template_path: Path, plans_file: Path, tmp_path: Path
) -> None:
    tpl = Template.open(template_path)
    out = tmp_path / "plannen"
    proc = subprocess.Popen(
        fill(template_path, plans_file, out, "--jobs", jobs),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        start_new_session=True,  # its own process group: Ctrl+C reaches it and its workers only
    )
    try:
        deadline = time.monotonic() + 120
        while not (out.is_dir() and len(list(out.glob("*.docx"))) >= STARTED):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the batch did not start writing"
            time.sleep(0.01)
        workers = children_of(proc.pid)
        assert len(workers) == (0 if jobs == "1" else int(jobs))

        stderr, stopped = stop(proc, how, workers)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()

    assert not any(running(pid) for pid in workers), "a worker outlived the run"
    assert stopped < STOP_WITHIN, f"stopping took {stopped:.2f} s"
    written = check_complete(tpl, out)
    assert STARTED <= len(written) < PLANS  # it really stopped half-way
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        signum = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
        assert proc.returncode == 128 + signum, stderr
        assert "Traceback" not in stderr
        # It says what it wrote, and how to finish.
        said = re.search(r"Stopped after writing (\d+) plan", stderr)
        assert said is not None and int(said.group(1)) <= len(written), stderr
        assert "--overwrite --only-changed" in stderr

    again = subprocess.run(
        fill(template_path, plans_file, out, "--only-changed", "--overwrite", "--jobs", "2"),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert f"{PLANS - len(written)} written, {len(written)} unchanged" in again.stdout
    assert len(check_complete(tpl, out, every=25)) == PLANS


COLLECTED = 1500  # plans read by the collect test: seconds of work for two workers


@pytest.fixture(scope="module")
def plans_folder(tmp_path_factory: pytest.TempPathFactory, template_path: Path) -> Path:
    folder = tmp_path_factory.mktemp("verzamelen")
    answers = {k: v for k, v in plan(1).items() if k != "Gemeente"}
    data = Template.open(template_path).fill(answers).to_bytes()
    for number in range(COLLECTED):
        (folder / f"Plan {number:04d}.docx").write_bytes(data)
    return folder


@pytest.mark.parametrize("how", ["ctrl-c", "SIGTERM", "SIGKILL"])
def test_a_stopped_collect_ends_its_workers_at_once_and_writes_nothing(
    how: str, template_path: Path, plans_folder: Path, tmp_path: Path
) -> None:
    workbook = tmp_path / "verzameld.xlsx"
    command = [
        sys.executable, "-m", "docx_aanpak", "extract", str(plans_folder), "--xlsx",
        str(workbook), "--template", str(template_path), "--jobs", "2",
    ]  # fmt: skip
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while len(workers := children_of(proc.pid)) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.01)
        time.sleep(0.3)  # they are reading now
        stderr, stopped = stop(proc, how, workers)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert not any(running(pid) for pid in workers), "a worker outlived the run"
    assert stopped < STOP_WITHIN, f"stopping took {stopped:.2f} s"
    assert list(tmp_path.iterdir()) == []  # no workbook, and no half-written one
    if how != "SIGKILL":
        signum = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
        assert proc.returncode == 128 + signum, stderr
        assert "Traceback" not in stderr
