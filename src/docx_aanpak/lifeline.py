"""Worker processes that never outlive their parent.

A worker calls :func:`die_with_parent` first thing. On Linux the kernel then sends it SIGTERM when
the parent dies, even by SIGKILL (``PR_SET_PDEATHSIG``); everywhere, a watchdog thread notices
the parent is gone (its sentinel, or a changed parent pid) and delivers SIGTERM to the worker's
main thread, whose handler decides how to stop (at once, or after the file it is writing).
"""

from __future__ import annotations

import _thread
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time

__all__ = ["die_with_parent", "start_method"]

_WATCH_INTERVAL = 0.2  # seconds between a worker's checks that its parent is still there


def _stop_this_worker(grace: float) -> None:
    """Deliver a stop signal to the worker's main thread (from its watchdog thread)."""
    main = threading.main_thread().ident
    if hasattr(signal, "pthread_kill") and main is not None:
        signal.pthread_kill(main, signal.SIGTERM)
        return
    _thread.interrupt_main(signal.SIGTERM)  # Windows: runs the handler when Python can
    time.sleep(grace)
    os._exit(1)


def _watch_parent(parent_pid: int, sentinel: int | None, grace: float) -> None:
    """A worker's watchdog thread: stop when the parent process is gone, however it ended."""
    while True:
        if sentinel is not None:
            if multiprocessing.connection.wait([sentinel], timeout=_WATCH_INTERVAL):
                break
        else:
            time.sleep(_WATCH_INTERVAL)
        if os.getppid() != parent_pid:
            break
    _stop_this_worker(grace)


def die_with_parent(parent_pid: int, *, grace: float = 1.0) -> None:
    """Linux: have the kernel send SIGTERM to this worker when its parent dies (even by
    SIGKILL); the watchdog thread covers the other systems and the moment before this call."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGTERM), 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - a libc without prctl
            pass
    if os.getppid() != parent_pid:
        os._exit(1)
    parent = multiprocessing.parent_process()
    sentinel = getattr(parent, "sentinel", None) if parent is not None else None
    watchdog = threading.Thread(
        target=_watch_parent,
        args=(parent_pid, sentinel, grace),
        name="parent-watchdog",
        daemon=True,
    )
    watchdog.start()


def start_method() -> str:
    """Fork where it is safe (Linux, no other threads): workers start in milliseconds and share
    what the parent read (the template); spawn elsewhere."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        return "fork"
    return "spawn"
