"""A time budget per report: a report that runs past it is stopped, so one input cannot stall a run.

The budget is a real-time interval timer (`setitimer`, SIGALRM) whose handler raises
`OverBudget` inside the report's own work, even inside a regular expression match. Signals reach
only the main thread of a process, which is where the in-process runner, every process-pool worker
and every Dask worker *process* call `process_safely`; elsewhere (a thread) the budget is not
enforced and the report runs to its end.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

REPEAT_S = 0.05
_TAKE_DOWN_FILES = (__file__, contextlib.__file__)  # this module's and the context manager's own code


class OverBudget(Exception):
    """The report took longer than its time budget."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"stopped after its time budget of {seconds:g} s")
        self.seconds = seconds


def _taking_down(frame: FrameType | None) -> bool:
    """Whether the interrupted code is the budget's own exit (this module or contextlib's `__exit__`)."""
    return frame is not None and frame.f_code.co_filename in _TAKE_DOWN_FILES


def enforceable() -> bool:
    """Whether a budget can be enforced here: SIGALRM exists and this is the main thread."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Raise `OverBudget` in the body once `seconds` of real time have passed (None or <= 0: none).

    The previous SIGALRM handler and timer are restored on the way out, so budgets nest and an
    application's own alarm keeps its remaining time."""
    if not seconds or seconds <= 0 or not enforceable():
        yield
        return

    armed = [True]

    def expired(signum: int, frame: FrameType | None) -> None:
        # never while the budget is being taken down: an alarm repeated there (a process held off the
        # CPU long enough for a second one to be due) would escape before the timer is stopped
        if armed[0] and not _taking_down(frame):
            raise OverBudget(seconds)

    started = time.monotonic()
    previous_handler = signal.signal(signal.SIGALRM, expired)
    # the alarm repeats: an exception raised where Python swallows it (a garbage-collector callback,
    # a __del__) is raised again a moment later, in the report's own code
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT_S)
    try:
        yield
    finally:
        while True:  # an alarm due right now must not escape from here
            try:
                armed[0] = False
                signal.setitimer(signal.ITIMER_REAL, 0)
                break
            except OverBudget:
                continue
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            left = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), previous_interval)
