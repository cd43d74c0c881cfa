"""Audit the locked Python dependencies (requirements.lock) for known vulnerabilities.

CI must fail when a locked release has a published advisory, but must not fail merely
because the network or a vulnerability service is down. So:

1. pip-audit audits the lock file (its default service, PyPI's per-release JSON, which
   carries the OSV advisories). Its answer is used for every package it could look up.
2. For the packages it could not (an offline mirror, OSV blocked), PyPI's project JSON
   (https://pypi.org/pypi/<name>/json) is asked instead. It only lists the advisories of
   the project's *latest* release, so a locked release equal to the latest is audited
   exactly; an older one cannot be (it is reported as behind latest), except that an
   advisory of the latest release not fixed by the locked one most likely affects it too.
3. If nothing could be looked up at all, a loud warning is printed and the run passes.

The decision logic is pure (documents in, verdicts out) so the tests need no network;
`fetch_project` is the only function that talks to PyPI.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LOCK = ROOT / "requirements.lock"
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 10.0
WORKERS = 8

# Verdicts of one locked package.
CLEAN = "clean"  # audited: no known advisory applies
VULNERABLE = "vulnerable"  # audited: known advisories apply
LIKELY = "likely"  # behind latest, and latest's advisories are not fixed by the locked one
BEHIND = "behind"  # behind latest (or ahead of it): the project JSON cannot say
UNAVAILABLE = "unavailable"  # no answer at all (network, 404, bad document)


@dataclass(frozen=True)
class Pin:
    """One `name==version` line of the lock file."""

    name: str  # normalised (PEP 503)
    version: str


@dataclass(frozen=True)
class Advisory:
    """One vulnerability record as PyPI and pip-audit report it."""

    id: str
    aliases: tuple[str, ...] = ()
    fixed_in: tuple[str, ...] = ()
    link: str = ""

    def describe(self) -> str:
        """`ID (aliases), fixed in X` — what a person needs to look it up and act."""
        text = self.id
        if self.aliases:
            text += f" ({', '.join(self.aliases)})"
        if not self.fixed_in:
            return f"{text}, no fixed release"
        return f"{text}, fixed in {', '.join(self.fixed_in)}"


@dataclass(frozen=True)
class Verdict:
    """What is known about one locked package, and from where."""

    pin: Pin
    status: str
    source: str  # "pip-audit" or "pypi-json"
    advisories: tuple[Advisory, ...] = ()
    latest: str | None = None
    reason: str = ""


@dataclass
class Report:
    """All verdicts, in lock order, plus what went wrong with the services."""

    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def having(self, *statuses: str) -> list[Verdict]:
        return [v for v in self.verdicts if v.status in statuses]


# --- the lock file ---------------------------------------------------------------------


def parse_lock(text: str) -> list[Pin]:
    """Every `name==version` of a pip-compile (or pip freeze) file, in file order.

    Comments, options (`--hash`, `-e`, `--index-url`) and markers are allowed; anything
    that is not pinned to one exact version is an error, since it could not be audited.
    """
    pins: dict[str, Pin] = {}
    entries: list[tuple[int, str]] = []  # (first physical line, logical line)
    for number, physical in enumerate(text.splitlines(), start=1):
        if entries and entries[-1][1].endswith("\\"):
            entries[-1] = (entries[-1][0], entries[-1][1][:-1] + " " + physical)
        else:
            entries.append((number, physical))
    for number, raw in entries:
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        line = line.split(" --hash", 1)[0].strip()
        if line.startswith("-"):
            continue
        try:
            requirement = Requirement(line)
        except InvalidRequirement as error:
            raise ValueError(f"line {number}: not a requirement: {raw.strip()!r}") from error
        specifiers = list(requirement.specifier)
        if len(specifiers) != 1 or specifiers[0].operator not in ("==", "===") or (
            specifiers[0].version.endswith(".*")
        ):
            raise ValueError(f"line {number}: not pinned to one version: {raw.strip()!r}")
        name = canonicalize_name(requirement.name)
        pins.setdefault(name, Pin(name, specifiers[0].version))
    return list(pins.values())


# --- PyPI's project JSON ---------------------------------------------------------------


def advisories_from_pypi(document: Mapping[str, Any]) -> list[Advisory]:
    """The non-withdrawn entries of a PyPI JSON document's `vulnerabilities` list.

    PyPI lists one vulnerability under each of its databases' ids (PYSEC-…, GHSA-…) with
    the others as aliases; only the first is kept, and its aliases name the rest.
    """
    advisories: list[Advisory] = []
    seen: set[str] = set()
    for entry in document.get("vulnerabilities") or []:
        if entry.get("withdrawn") or entry.get("id") in seen:
            continue
        seen.update([str(entry.get("id")), *(entry.get("aliases") or ())])
        advisories.append(
            Advisory(
                id=str(entry.get("id") or "unknown"),
                aliases=tuple(entry.get("aliases") or ()),
                fixed_in=tuple(entry.get("fixed_in") or ()),
                link=str(entry.get("link") or ""),
            )
        )
    return advisories


def _fixed_after(advisory: Advisory, locked: Version) -> bool:
    """True unless the locked release is already at or past a release that fixes it.

    No fixed release at all counts as not fixed. With several fixed releases (one per
    maintained series) any one newer than the locked release counts: conservative, and it
    only matters when the latest release itself is vulnerable, which is rare.
    """
    if not advisory.fixed_in:
        return True
    for fixed in advisory.fixed_in:
        try:
            if Version(fixed) > locked:
                return True
        except InvalidVersion:
            return True
    return False


def judge_from_project(pin: Pin, document: Mapping[str, Any] | None) -> Verdict:
    """The verdict for one pin from its project's JSON (None: it could not be fetched)."""
    if document is None:
        return Verdict(pin, UNAVAILABLE, "pypi-json", reason="no answer from PyPI")
    latest_text = str((document.get("info") or {}).get("version") or "")
    try:
        locked, latest = Version(pin.version), Version(latest_text)
    except InvalidVersion:
        return Verdict(
            pin, BEHIND, "pypi-json", latest=latest_text or None,
            reason=f"versions not comparable ({pin.version} vs {latest_text!r})",
        )
    advisories = advisories_from_pypi(document)
    if locked == latest:
        status = VULNERABLE if advisories else CLEAN
        return Verdict(pin, status, "pypi-json", tuple(advisories), latest_text)
    if locked > latest:  # a pre-release, or the latest was yanked
        return Verdict(pin, BEHIND, "pypi-json", latest=latest_text,
                       reason=f"ahead of latest {latest_text}")
    likely = tuple(a for a in advisories if _fixed_after(a, locked))
    if likely:
        return Verdict(pin, LIKELY, "pypi-json", likely, latest_text)
    return Verdict(pin, BEHIND, "pypi-json", latest=latest_text,
                   reason=f"behind latest {latest_text}")


def fetch_project(name: str, timeout: float = TIMEOUT_SECONDS) -> dict[str, Any] | None:
    """PyPI's project JSON for one name, or None when it cannot be had (thin on purpose)."""
    url = PYPI_JSON.format(name=name)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - fixed https URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - fixed https URL
            document = json.load(response)
    except (OSError, ValueError):  # URLError, HTTPError, timeouts are OSErrors
        return None
    return document if isinstance(document, dict) and "info" in document else None


def audit_with_project_json(
    pins: Sequence[Pin],
    fetch: Callable[[str], Mapping[str, Any] | None] = fetch_project,
    workers: int = WORKERS,
) -> list[Verdict]:
    """Judge every pin from its project's JSON, fetched in parallel."""
    if not pins:
        return []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        documents = list(pool.map(lambda pin: fetch(pin.name), pins))
    return [judge_from_project(pin, doc) for pin, doc in zip(pins, documents, strict=True)]


# --- pip-audit -------------------------------------------------------------------------


def verdicts_from_pip_audit(pins: Sequence[Pin], output: Mapping[str, Any]) -> list[Verdict]:
    """The pins pip-audit could look up (its JSON output), judged; skipped ones left out."""
    by_name = {pin.name: pin for pin in pins}
    verdicts = []
    for dependency in output.get("dependencies") or []:
        name = canonicalize_name(str(dependency.get("name", "")))
        if "skip_reason" in dependency or name not in by_name:
            continue
        advisories = tuple(
            Advisory(
                id=str(vuln.get("id") or "unknown"),
                aliases=tuple(vuln.get("aliases") or ()),
                fixed_in=tuple(vuln.get("fix_versions") or ()),
            )
            for vuln in dependency.get("vulns") or []
        )
        status = VULNERABLE if advisories else CLEAN
        verdicts.append(Verdict(by_name[name], status, "pip-audit", advisories))
    return verdicts


def run_pip_audit(lock: Path, ignored: Iterable[str], timeout: float) -> dict[str, Any] | None:
    """pip-audit's JSON report on the lock file, or None when it gave none."""
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "pip-audit.json"
        command = [
            sys.executable, "-m", "pip_audit", "--requirement", str(lock), "--no-deps",
            "--disable-pip", "--progress-spinner", "off", "--format", "json",
            "--output", str(output), "--timeout", str(int(timeout)),
        ]
        for vuln_id in ignored:
            command += ["--ignore-vuln", vuln_id]
        try:
            # Exit status 1 means "vulnerabilities found"; the JSON says which.
            subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
                command, capture_output=True, timeout=300, check=False
            )
            return json.loads(output.read_text())
        except (OSError, ValueError, subprocess.TimeoutExpired):
            return None


# --- the whole audit -------------------------------------------------------------------


def without_ignored(verdict: Verdict, ignored: set[str]) -> Verdict:
    """The verdict with advisories the project chose to accept (by id or alias) removed."""
    if not ignored or not verdict.advisories:
        return verdict
    kept = tuple(
        a for a in verdict.advisories if not ({a.id, *a.aliases} & ignored)
    )
    if kept == verdict.advisories:
        return verdict
    if kept:
        return Verdict(verdict.pin, verdict.status, verdict.source, kept, verdict.latest)
    status = CLEAN if verdict.status == VULNERABLE else BEHIND
    reason = "" if status == CLEAN else f"behind latest {verdict.latest}"
    return Verdict(verdict.pin, status, verdict.source, (), verdict.latest, reason)


def audit(
    pins: Sequence[Pin],
    pip_audit_output: Mapping[str, Any] | None,
    fetch: Callable[[str], Mapping[str, Any] | None] = fetch_project,
    ignored: Iterable[str] = (),
    workers: int = WORKERS,
) -> Report:
    """pip-audit's verdicts where it had them, PyPI's project JSON for the rest."""
    report = Report()
    from_pip_audit = {}
    if pip_audit_output is not None:
        from_pip_audit = {v.pin.name: v for v in verdicts_from_pip_audit(pins, pip_audit_output)}
        if len(from_pip_audit) < len(pins):
            report.notes.append(
                f"pip-audit could look up {len(from_pip_audit)} of {len(pins)} packages; "
                "PyPI's project JSON is asked about the rest"
            )
    rest = [pin for pin in pins if pin.name not in from_pip_audit]
    from_pypi = {v.pin.name: v for v in audit_with_project_json(rest, fetch, workers)}
    ignored_ids = set(ignored)
    for pin in pins:
        verdict = from_pip_audit.get(pin.name) or from_pypi[pin.name]
        report.verdicts.append(without_ignored(verdict, ignored_ids))
    return report


def render(report: Report) -> tuple[list[str], int]:
    """The lines to print and the exit status: 1 on any known vulnerability, else 0."""
    total = len(report.verdicts)
    vulnerable = report.having(VULNERABLE)
    likely = report.having(LIKELY)
    behind = report.having(BEHIND)
    unavailable = report.having(UNAVAILABLE)
    audited = report.having(CLEAN, VULNERABLE)
    lines = [f"note: {note}" for note in report.notes]
    for verdict in vulnerable:
        lines.append(f"VULNERABLE {verdict.pin.name} {verdict.pin.version} ({verdict.source}):")
        lines += [f"    {advisory.describe()}" for advisory in verdict.advisories]
    for verdict in likely:
        lines.append(
            f"LIKELY VULNERABLE {verdict.pin.name} {verdict.pin.version} (behind latest "
            f"{verdict.latest}, whose advisories are not fixed at or before the locked one):"
        )
        lines += [f"    {advisory.describe()}" for advisory in verdict.advisories]
    if behind:
        lines.append("not auditable offline: " + ", ".join(
            f"{v.pin.name} {v.pin.version} ({v.reason})" for v in behind
        ))
    if total and len(unavailable) == total:
        lines.append(
            f"WARNING: neither pip-audit nor PyPI's JSON could be reached for any of the "
            f"{total} locked packages: the dependencies were NOT audited"
        )
        return lines, 0
    if unavailable:
        lines.append("could not be looked up: " + ", ".join(v.pin.name for v in unavailable))
    by_pip_audit = sum(1 for v in audited if v.source == "pip-audit")
    sources = f"{by_pip_audit} by pip-audit, {len(audited) - by_pip_audit} against PyPI's "
    sources += "latest-release advisories"
    summary = (
        f"{len(audited)} of {total} locked packages audited ({sources}), "
        f"{len(behind)} behind latest could not be"
        + (f" ({', '.join(v.pin.name for v in behind)})" if behind else "")
    )
    if unavailable:
        summary += f", {len(unavailable)} could not be looked up"
    if vulnerable or likely:
        count = len(vulnerable) + len(likely)
        lines.append(f"FAILED: {count} locked packages have known vulnerabilities; {summary}")
        return lines, 1
    lines.append(summary)
    return lines, 0


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: audit the lock file, print the findings, return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=DEFAULT_LOCK, help="the lock file")
    parser.add_argument("--ignore-vuln", action="append", default=[], metavar="ID",
                        help="an advisory id or alias accepted on purpose (repeatable)")
    parser.add_argument("--skip-pip-audit", action="store_true",
                        help="go straight to PyPI's project JSON")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_SECONDS,
                        help="seconds per look-up")
    parser.add_argument("--workers", type=int, default=WORKERS, help="parallel look-ups")
    args = parser.parse_args(argv)

    try:
        pins = parse_lock(args.lock.read_text())
    except (OSError, ValueError) as error:
        print(f"audit-dependencies: {args.lock}: {error}", file=sys.stderr)
        return 2
    pip_audit_output = None
    if not args.skip_pip_audit:
        pip_audit_output = run_pip_audit(args.lock, args.ignore_vuln, args.timeout)
        if pip_audit_output is None:
            print("note: pip-audit gave no report (not installed, or its service failed)")
    report = audit(
        pins, pip_audit_output,
        fetch=lambda name: fetch_project(name, args.timeout),
        ignored=args.ignore_vuln, workers=args.workers,
    )
    lines, status = render(report)
    print("\n".join(lines))
    return status
