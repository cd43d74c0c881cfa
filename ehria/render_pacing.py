"""The background renders give way to the requests people are waiting for (issue 14).

A signed PDF can wait a few seconds; an officer's save cannot. Where the worker shares a
machine with the web server, neither its niceness nor the idle scheduling policy keeps a
render from slowing the requests on this kind of machine (docs/performance.md: a plain
CPU loop at `nice 10`, or under SCHED_IDLE, doubled PATCH's p95). So before each render
the worker looks at the kernel's CPU pressure (PSI, /proc/pressure/cpu: the share of time
some runnable task waited for a CPU) and, while it is above a threshold, waits for a lull,
for at most RENDER_GIVE_WAY_SECONDS a job; then it renders whatever the load. On a machine
of its own (production's worker) the pressure is its own and low, so nothing waits. Where
the kernel has no PSI, nothing waits either.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PRESSURE_FILE = Path("/proc/pressure/cpu")
SAMPLE_SECONDS = 0.25  # each look at the pressure; a quiet machine costs a render no more


def _stalled_microseconds(path: Path = PRESSURE_FILE) -> int | None:
    """The "some" line's total: microseconds during which a runnable task waited."""
    try:
        first = path.read_text(encoding="ascii").splitlines()[0]
    except (OSError, IndexError):
        return None
    fields = dict(part.split("=", 1) for part in first.split()[1:] if "=" in part)
    try:
        return int(fields["total"])
    except (KeyError, ValueError):
        return None


def cpu_pressure(window: float = SAMPLE_SECONDS,
                 read: Callable[[], int | None] = _stalled_microseconds,
                 sleep: Callable[[float], None] = time.sleep) -> float | None:
    """The share of the next `window` seconds in which some task waited for a CPU (0 to
    1), or None where the kernel does not say."""
    before = read()
    if before is None:
        return None
    started = time.monotonic()
    sleep(window)
    after = read()
    elapsed = time.monotonic() - started
    if after is None or elapsed <= 0:
        return None
    return max(0.0, min(1.0, (after - before) / 1_000_000 / elapsed))


@dataclass
class GiveWay:
    """One job's allowance of waiting, shared by its renders."""

    budget: float  # seconds this job may wait in all; 0 never waits
    threshold: float  # the pressure above which the machine counts as busy
    pressure: Callable[[], float | None] = cpu_pressure
    clock: Callable[[], float] = time.monotonic
    waited: float = field(default=0.0, init=False)

    def __call__(self) -> float:
        """Wait while the machine is busy, within what is left of the budget; returns the
        seconds waited this time."""
        started = self.clock()
        while self.waited + (self.clock() - started) < self.budget:
            found = self.pressure()  # takes a sample's time: the wait itself
            if found is None or found < self.threshold:
                break
        spent = self.clock() - started
        self.waited += spent
        return spent


def give_way_for(config: dict) -> GiveWay:
    """The allowance of a render job under this configuration; none when jobs run in the
    request (tests, scripts), where nobody else's request is waiting."""
    budget = 0.0 if config.get("TASKS_IMMEDIATE") else float(
        config.get("RENDER_GIVE_WAY_SECONDS", 60))
    return GiveWay(budget, float(config.get("RENDER_GIVE_WAY_PRESSURE", 0.25)))
