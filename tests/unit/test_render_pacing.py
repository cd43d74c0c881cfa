"""Background renders give way to requests (issue 14): while the kernel says tasks wait
for a CPU, a render waits for a lull, within its job's allowance; then it renders."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehria.render_pacing import GiveWay, _stalled_microseconds, cpu_pressure, give_way_for


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def sampler(clock: FakeClock, readings: list[float | None]):
    """Each sample takes half a second of the fake clock and gives the next reading."""
    def sample() -> float | None:
        clock.now += 0.5
        return readings.pop(0) if readings else 0.0
    return sample


def test_a_quiet_machine_waits_for_nothing_but_one_sample():
    clock = FakeClock()
    give_way = GiveWay(60, 0.25, sampler(clock, [0.05]), clock)
    assert give_way() == 0.5


def test_a_busy_machine_waits_until_the_pressure_falls():
    clock = FakeClock()
    give_way = GiveWay(60, 0.25, sampler(clock, [0.9, 0.8, 0.6, 0.1]), clock)
    assert give_way() == 2.0


def test_the_allowance_is_the_jobs_whatever_the_number_of_renders():
    clock = FakeClock()
    give_way = GiveWay(3, 0.25, sampler(clock, [0.9] * 100), clock)
    assert give_way() == 3.0
    assert give_way() == 0.0  # its second render waits no longer
    assert give_way.waited == 3.0


def test_no_pressure_reading_and_a_zero_budget_never_wait():
    clock = FakeClock()
    assert GiveWay(60, 0.25, sampler(clock, [None]), clock)() == 0.5
    assert GiveWay(0, 0.25, sampler(clock, [0.9]), clock)() == 0.0


def test_jobs_run_in_the_request_never_wait_and_the_settings_are_read():
    assert give_way_for({"TASKS_IMMEDIATE": True}).budget == 0
    found = give_way_for({"RENDER_GIVE_WAY_SECONDS": 5, "RENDER_GIVE_WAY_PRESSURE": 0.4})
    assert (found.budget, found.threshold) == (5.0, 0.4)
    assert give_way_for({}).budget == 60


def test_the_pressure_is_read_from_the_kernels_some_line(tmp_path: Path):
    file = tmp_path / "cpu"
    file.write_text("some avg10=1.00 avg60=2.00 avg300=3.00 total=1000\n"
                    "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n")
    assert _stalled_microseconds(file) == 1000
    assert _stalled_microseconds(tmp_path / "missing") is None
    readings = iter([1_000_000, 1_250_000])
    share = cpu_pressure(0.0, read=lambda: next(readings), sleep=lambda _: None)
    assert share == pytest.approx(1.0)  # a quarter second stalled in no time at all: capped


@pytest.mark.skipif(not Path("/proc/pressure/cpu").exists(), reason="no PSI here")
def test_this_kernels_pressure_is_a_share():
    share = cpu_pressure(0.1)
    assert share is not None and 0.0 <= share <= 1.0


def test_the_tests_own_workers_do_not_wait_and_production_does(tmp_path: Path):
    from ehria import create_app

    testing = create_app({"TESTING": True, "SECRET_KEY": "t",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/a.db"})
    assert testing.config["RENDER_GIVE_WAY_SECONDS"] == 0
    served = create_app({"SECRET_KEY": "t", "TASKS_IMMEDIATE": False,
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/b.db"})
    assert give_way_for(served.config).budget == 60
