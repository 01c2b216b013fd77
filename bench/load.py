"""`make bench-load`: the bot under load, on the single embedded server and on the two-server setup.

For each setup it starts the bot (`launch.processes.start_bot`, or `launch.cluster.start_cluster` with two Rasa
servers on PostgreSQL and Redis behind nginx), measures the start-up time until the REST channel answers, sends
every sample conversation once (warm-up, and a check that each ends with a number), then runs locust headless
(bench/locustfile.py, from the tools venv) at 1, 10 and 50 concurrent conversations for a fixed time each. After
each level it reads the resident memory and CPU time of every process of the setup from /proc.

Writes bench/results.md (tables, targets, machine) and results/load/results.json, from which bench/plot_load.py
(tools venv) draws bench/latency.png. Raw locust CSVs, samples and the servers' logs stay in results/load/.

Bounded: loopback only, a fixed run time per level (30 s by default: about 5 minutes in all), every subprocess
under a time limit. Nothing is asserted: the targets are compared and reported, not enforced.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.conversations import CONVERSATIONS, reply_error  # noqa: E402
from launch.processes import MODEL, start_bot  # noqa: E402

LEVELS = (1, 10, 50)
SETUPS = ("single", "two-server")
DESCRIPTIONS = {
    "single": "one `rasa run` + action server, SQLite tracker store (what `make run` starts)",
    "two-server": "two `rasa run` + one action server, PostgreSQL tracker store, Redis lock store, nginx in front",
}
TICK = os.sysconf("SC_CLK_TCK")

#: The issue's targets.
TARGET_P95_MS = 150  # at 10 concurrent conversations, single server
TARGET_RSS_MIB = 1536  # 1.5 GiB per Rasa server
TARGET_STARTUP_S = 30  # until the REST channel answers

#: Other processes using more than this (percent of one core) disturb a measurement: wait, or flag the level.
QUIET_PERCENT = 25


# --- what the machine and its processes say --------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """A process and its descendants (nginx's worker, for one)."""
    pids, index = [pid], 0
    while index < len(pids):
        for task in Path(f"/proc/{pids[index]}/task").glob("*/children"):
            pids += [int(child) for child in task.read_text().split()]
        index += 1
    return pids


def proc_status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (peak resident memory) in MiB, added up over the process and its descendants."""
    values = {"VmRSS": 0.0, "VmHWM": 0.0}
    for member in process_tree(pid):
        for line in Path(f"/proc/{member}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] += int(rest.split()[0]) / 1024
    return values


def cpu_ms_per_message(level: dict, process: str) -> float:
    """A process's CPU time during a level, per message answered."""
    return level["cpu_percent"][process] * 10 * level["wall_seconds"] / max(level["messages"], 1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of a process and its descendants."""
    total = 0.0
    for member in process_tree(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rpartition(")")[2].split()
        total += (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)
    return total


def all_cpu_seconds() -> dict[int, tuple[str, float]]:
    """Every process's name and CPU time so far (processes that end between two snapshots are not counted)."""
    snapshot = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            fields = text.rpartition(")")[2].split()
            name = text[text.index("(") + 1 : text.rindex(")")]
            snapshot[int(stat.parent.name)] = (name, (int(fields[11]) + int(fields[12])) / TICK)
    return snapshot


def others_cpu(before: dict, after: dict, own: set[int]) -> dict[str, float]:
    """CPU seconds between two snapshots of the processes not in `own`: PostgreSQL and Redis, and the rest."""
    spent = {"postgres+redis": 0.0, "other": 0.0}
    for pid, (name, seconds) in after.items():
        if pid in own:
            continue
        used = seconds - before.get(pid, (name, 0.0))[1]
        spent["postgres+redis" if name.startswith(("postgres", "redis")) else "other"] += used
    return spent


def wait_for_quiet(own: set[int], limit: float) -> float:
    """Waits (at most `limit` seconds) until other processes use less than QUIET_PERCENT of one core, measured
    over 3 s; the benchmark shares the machine. Returns the seconds waited."""
    began = time.monotonic()
    told = False
    while True:
        before, t0 = all_cpu_seconds(), time.perf_counter()
        time.sleep(3)
        after, t1 = all_cpu_seconds(), time.perf_counter()
        busy = 100 * sum(others_cpu(before, after, own).values()) / (t1 - t0)
        waited = time.monotonic() - began
        if busy < QUIET_PERCENT or waited > limit:
            return round(waited, 1)
        if not told:
            print(f"  other processes use {busy:.0f} % of a core: waiting for them (at most {limit:.0f} s)", flush=True)
            told = True


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])
    return total - idle, total


def machine() -> dict:
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kb / 2**20, 1),
        "cpu": model,
        "kernel": platform.release(),
        "load_average_at_start": [round(v, 2) for v in os.getloadavg()],
    }


# --- talking to the bot ----------------------------------------------------------------------------------------


def post(url: str, sender: str, message: str, timeout: float = 60) -> tuple[int, str]:
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook",
        data=json.dumps({"sender": sender, "message": message}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def first_rest_answer(url: str, started: float, limit: float = 120) -> float:
    """Seconds from `started` until the REST channel at `url` gives a non-empty answer."""
    deadline = time.monotonic() + limit
    while True:
        try:
            status, body = post(url, f"load-start-{uuid.uuid4().hex}", "hi", timeout=limit)
            if status == 200 and json.loads(body):
                return time.perf_counter() - started
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the REST channel at {url} gave no answer within {limit} s")
        time.sleep(0.2)


def warm_up(url: str) -> dict:
    """Every sample conversation once, one message at a time: their latencies and errors."""
    latencies, errors = [], []
    for messages in CONVERSATIONS:
        sender = f"load-warmup-{uuid.uuid4().hex}"
        for index, message in enumerate(messages):
            began = time.perf_counter()
            status, body = post(url, sender, message)
            latencies.append((time.perf_counter() - began) * 1000)
            error = reply_error(status, body, last=index == len(messages) - 1)
            if error:
                errors.append(f"{messages!r} at {message!r}: {error}")
                break
    return {
        "conversations": len(CONVERSATIONS),
        "messages": len(latencies),
        "p50_ms": round(statistics.median(latencies), 1),
        "max_ms": round(max(latencies), 1),
        "errors": errors,
    }


# --- one level of load -------------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered), math.ceil(share * len(ordered))) - 1)]


def run_level(
    url: str, users: int, run_seconds: int, processes: dict[str, int], out: Path, tag: str, locust: Path,
    quiet_wait: float,
) -> dict:  # fmt: skip
    prefix = out / f"{tag}-u{users}"
    samples_file = prefix.with_name(prefix.name + "_samples.csv")
    command = [
        str(locust), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
        "-u", str(users), "-r", str(users), "--run-time", f"{run_seconds}s", "--host", url,
        "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING", "--samples-file", str(samples_file),
        "--exit-code-on-error", "0",
    ]  # fmt: skip
    own = {member for pid in processes.values() for member in process_tree(pid)}
    waited = wait_for_quiet(own, quiet_wait)
    cpu_before = {name: cpu_seconds(pid) for name, pid in processes.items()}
    everyone_before = all_cpu_seconds()
    machine_before = machine_cpu()
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    with (out / f"{tag}-u{users}.locust.log").open("w") as log:
        subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, timeout=run_seconds + 90, check=True)
    elapsed = time.perf_counter() - began
    children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    machine_after = machine_cpu()
    everyone_after = all_cpu_seconds()
    cpu = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in processes.items()}
    cpu["locust"] = (children_after.ru_utime + children_after.ru_stime) - (
        children_before.ru_utime + children_before.ru_stime
    )
    others = others_cpu(everyone_before, everyone_after, own | {os.getpid()})
    if tag != "single":
        cpu["postgres+redis"] = others["postgres+redis"]
    else:
        others["other"] += others["postgres+redis"]
    memory = {name: proc_status(pid) for name, pid in processes.items()}

    with samples_file.open() as file:
        samples = list(csv.DictReader(file))
    times = [float(row["response_time_ms"]) for row in samples]
    ends = [float(row["end"]) for row in samples]
    window = max(ends) - min(end - ms / 1000 for end, ms in zip(ends, times, strict=True)) if samples else 0.0
    errors = Counter(row["error"] for row in samples if row["error"])
    with prefix.with_name(prefix.name + "_stats.csv").open() as file:
        aggregated = next(row for row in csv.DictReader(file) if row["Name"] == "Aggregated")
    answered = sum(1 for row in samples if row["name"].startswith("last") and not row["error"])
    busy = (machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1])
    return {
        "users": users,
        "messages": len(samples),
        "locust_request_count": int(aggregated["Request Count"]),
        # completed messages over the time from the first request's start to the last one's end
        "messages_per_s": round(len(samples) / window, 1) if samples else 0.0,
        "locust_requests_per_s": float(aggregated["Requests/s"]),
        "conversations_answered": answered,
        "p50_ms": round(percentile(times, 0.50), 1) if times else None,
        "p95_ms": round(percentile(times, 0.95), 1) if times else None,
        "p99_ms": round(percentile(times, 0.99), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "rss_mib": {name: round(values["VmRSS"]) for name, values in memory.items()},
        "peak_rss_mib": {name: round(values["VmHWM"]) for name, values in memory.items()},
        # CPU time while locust ran, in percent of one core (200 % = both cores of a 2-core machine busy)
        "cpu_percent": {name: round(100 * seconds / elapsed) for name, seconds in cpu.items()},
        "machine_busy_percent": round(100 * busy * (os.cpu_count() or 1)),
        "other_processes_percent": round(100 * others["other"] / elapsed),
        "waited_for_quiet_s": waited,
        "wall_seconds": round(elapsed, 1),
    }


# --- a setup -----------------------------------------------------------------------------------------------------


#: Log lines that are not a fault of the bot: locust stops each level by closing its connections, and Rasa logs
#: each message it was still answering then as cancelled.
CANCELLED = "rest.message.received.timeout"


def log_problems(log_dir: Path) -> dict[str, dict[str, int]]:
    """ERROR, WARNING and CRITICAL lines and tracebacks in each process's log, counted by what they say."""
    found = {}
    for log in sorted(log_dir.glob("*.log")):
        counts: Counter = Counter()
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("Traceback"):
                counts["traceback"] += 1
                continue
            parts = line.split(None, 4)  # date, time, level, logger, message
            if len(parts) < 5 or parts[2] not in ("ERROR", "WARNING", "CRITICAL"):
                continue
            message = parts[4].lstrip("- ").strip()
            with contextlib.suppress(ValueError, AttributeError):
                message = json.loads(message).get("event", message)  # Rasa's structured log lines
            counts[f"{parts[2]} {parts[3]}: {message[:120]}"] += 1
        found[log.stem] = dict(counts.most_common())
    return found


def run_setup(setup: str, levels: list[int], run_seconds: int, out: Path, locust: Path, quiet_wait: float) -> dict:
    log_dir = out / "logs" / setup
    shutil.rmtree(log_dir, ignore_errors=True)
    log_dir.mkdir(parents=True)
    result: dict = {"name": setup, "description": DESCRIPTIONS[setup], "levels": []}
    with tempfile.TemporaryDirectory() as workdir:
        print(f"[{setup}] starting", flush=True)
        result["waited_for_quiet_s"] = wait_for_quiet({os.getpid()}, quiet_wait)
        everyone_before = all_cpu_seconds()
        started = time.perf_counter()
        if setup == "single":
            bot = start_bot(Path(workdir), log_dir)
            url, servers = bot.rasa_url, [bot.rasa_url]
            processes = {name: p.pid for name, p in zip(("actions", "rasa"), bot.processes, strict=True)}
        else:
            from launch.cluster import start_cluster

            bot = start_cluster(Path(workdir), servers=2, log_dir=log_dir)
            url, servers = bot.balancer_url, list(bot.servers.values())
            processes = {name: p.pid for name, p in bot.processes.items()}
        try:
            up = time.perf_counter() - started
            rest = max(first_rest_answer(server, started) for server in servers)
            others = others_cpu(everyone_before, all_cpu_seconds(), {os.getpid(), *processes.values()})
            result["startup"] = {
                "processes_up_s": round(up, 1),
                "rest_answers_s": round(rest, 1),
                "other_processes_percent": round(100 * others["other"] / rest),
            }
            result["rss_mib_after_start"] = {name: round(proc_status(pid)["VmRSS"]) for name, pid in processes.items()}
            print(f"[{setup}] up in {up:.1f} s, REST answers after {rest:.1f} s; warming up", flush=True)
            result["warm_up"] = warm_up(url)
            for users in levels:
                print(f"[{setup}] {users} concurrent conversations for {run_seconds} s", flush=True)
                level = run_level(url, users, run_seconds, processes, out, setup, locust, quiet_wait)
                print(
                    f"[{setup}] {users}: {level['messages_per_s']} msg/s, p50 {level['p50_ms']} ms, "
                    f"p95 {level['p95_ms']} ms, p99 {level['p99_ms']} ms, {level['errors']} errors",
                    flush=True,
                )
                result["levels"].append(level)
                dead = [name for name, pid in processes.items() if not Path(f"/proc/{pid}").exists()]
                if dead:
                    raise RuntimeError(f"{', '.join(dead)} stopped under load; logs in {log_dir}")
        finally:
            bot.stop()
            if setup != "single":
                forget_conversations()
    result["log_problems"] = log_problems(log_dir)
    return result


def forget_conversations() -> None:
    """Deletes the benchmark's conversations (sender ids `load-...`) from the shared PostgreSQL tracker store."""
    import psycopg2

    from launch.cluster import POSTGRES

    with psycopg2.connect(**POSTGRES) as connection, connection.cursor() as cursor:
        cursor.execute("DELETE FROM events WHERE sender_id LIKE %s", ("load-%",))


def require_services() -> None:
    import psycopg2
    import redis

    from launch.cluster import POSTGRES, REDIS

    try:
        psycopg2.connect(**POSTGRES, connect_timeout=3).close()
        redis.Redis(**REDIS, socket_connect_timeout=3).ping()
    except (psycopg2.OperationalError, redis.exceptions.ConnectionError) as error:
        sys.exit(f"the two-server setup needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379: {error}")


# --- the report --------------------------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def disturbed(measurement: dict) -> str:
    """A note when other processes used the machine during a measurement."""
    other = measurement.get("other_processes_percent", 0)
    return f" (disturbed: other processes used {other} % of a core)" if other > QUIET_PERCENT else ""


def targets(results: dict) -> list[tuple[str, str, str]]:
    """(target, measured, met or not) for each of the issue's targets."""
    rows = []
    by_name = {setup["name"]: setup for setup in results["setups"]}
    single = by_name.get("single")
    if single:
        ten = next((level for level in single["levels"] if level["users"] == 10), None)
        if ten:
            rows.append(
                (
                    f"p95 under {TARGET_P95_MS} ms at 10 concurrent conversations, single server",
                    f"{ten['p95_ms']} ms{disturbed(ten)}",
                    mark(ten["p95_ms"] < TARGET_P95_MS),
                )
            )
    for setup in results["setups"]:
        fifty = next((level for level in setup["levels"] if level["users"] == 50), None)
        if fifty:
            rows.append((f"zero errors at 50, {setup['name']}", str(fifty["errors"]), mark(fifty["errors"] == 0)))
    for setup in results["setups"]:
        peaks = {}
        for level in setup["levels"]:
            for name, mib in level["peak_rss_mib"].items():
                if name.startswith("rasa"):
                    peaks[name] = max(peaks.get(name, 0), mib)
        if peaks:
            worst = max(peaks.values())
            rows.append(
                (
                    f"resident memory under 1.5 GiB ({TARGET_RSS_MIB} MiB) per Rasa server, {setup['name']} (peak)",
                    ", ".join(f"{name} {mib} MiB" for name, mib in peaks.items()),
                    mark(worst < TARGET_RSS_MIB),
                )
            )
    for setup in results["setups"]:
        seconds = setup["startup"]["rest_answers_s"]
        rows.append(
            (
                f"start-up under {TARGET_STARTUP_S} s until REST answers, {setup['name']}",
                f"{seconds} s{disturbed(setup['startup'])}",
                mark(seconds < TARGET_STARTUP_S),
            )
        )
    return rows


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Load benchmark",
        "",
        "Written by `make bench-load` (bench/load.py); do not edit by hand. Raw locust CSVs, per-request samples",
        "and the servers' logs of the last run are in `results/load/` (not committed).",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, Linux {m['kernel']}; "
        f"load average at start {' / '.join(map(str, m['load_average_at_start']))}",
        f"- Model: `models/chargepoint.tar.gz`, {results['model_mib']} MiB",
        f"- Load: locust {results['locust_version']} headless (`bench/locustfile.py`) on the same machine, "
        f"{results['run_seconds']} s per level; each user has one conversation after another (2–4 messages, "
        "each conversation ending with a number, a fresh sender id each), each message sent as soon as the previous "
        "one is answered, so N users keep N conversations going at once.",
        "- Errors: connection errors and time-outs, a status other than 200, an empty answer `[]` (what the REST "
        "channel returns with 200 when Rasa fails inside), or a last answer without a phone number.",
        "- Latency: per message (one REST request), exact percentiles of every request of the level; messages/s: "
        "the messages answered over the time from the first request's start to the last one's end.",
        "",
        "## Targets",
        "",
        "| target | measured | |",
        "| --- | --- | --- |",
        *(f"| {target} | {measured} | {met} |" for target, measured, met in targets(results)),
        "",
        "![p50, p95 and p99 latency against concurrent conversations](latency.png)",
        "",
    ]
    for setup in results["setups"]:
        names = list(setup["levels"][0]["rss_mib"]) if setup["levels"] else []
        start = setup["startup"]
        lines += [
            f"## {setup['name']}: {setup['description']}",
            "",
            f"Start-up: all processes up after {start['processes_up_s']} s; the REST channel answered "
            f"(every Rasa server) after {start['rest_answers_s']} s{disturbed(start)}. "
            "Resident memory right after start-up: "
            + ", ".join(f"{name} {mib} MiB" for name, mib in setup["rss_mib_after_start"].items())
            + ".",
            "",
            f"Warm-up (each conversation once, one message at a time): {setup['warm_up']['messages']} messages, "
            f"p50 {setup['warm_up']['p50_ms']} ms, max {setup['warm_up']['max_ms']} ms, "
            + (
                f"**{len(setup['warm_up']['errors'])} conversations failed**: {'; '.join(setup['warm_up']['errors'])}"
                if setup["warm_up"]["errors"]
                else "every conversation ended with a number."
            ),
            "",
            "| concurrent conversations | messages | messages/s | p50 ms | p95 ms | p99 ms | max ms | errors | "
            "conversations answered | " + " | ".join(f"RSS {name} MiB" for name in names) + " |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | "
            + " | ".join("---:" for _ in names)
            + " |",
        ]
        for level in setup["levels"]:
            lines.append(
                f"| {level['users']} | {level['messages']} | {level['messages_per_s']} | {level['p50_ms']} | "
                f"{level['p95_ms']} | {level['p99_ms']} | {level['max_ms']} | {level['errors']} | "
                f"{level['conversations_answered']} | "
                + " | ".join(str(level["rss_mib"][name]) for name in names)
                + " |"
            )
        lines += [
            "",
            f"CPU during each level, in percent of one core (the machine has {m['nproc']}; locust runs on it too; "
            "other processes are the rest of the machine):",
            "",
            "| concurrent conversations | "
            + " | ".join(setup["levels"][0]["cpu_percent"])
            + " | other processes | whole machine |",
            "| ---: | " + " | ".join("---:" for _ in setup["levels"][0]["cpu_percent"]) + " | ---: | ---: |",
        ]
        for level in setup["levels"]:
            lines.append(
                f"| {level['users']} | "
                + " | ".join(f"{pct} %" for pct in level["cpu_percent"].values())
                + f" | {level['other_processes_percent']} %"
                + f" | {level['machine_busy_percent']} % of {100 * m['nproc']} % |"
            )
        lines += [
            "",
            "CPU time per message answered, in ms (the cost of a message to each process; unlike latency, little "
            "changed by other load on the machine):",
            "",
            "| concurrent conversations | " + " | ".join(setup["levels"][0]["cpu_percent"]) + " |",
            "| ---: | " + " | ".join("---:" for _ in setup["levels"][0]["cpu_percent"]) + " |",
        ]
        for level in setup["levels"]:
            lines.append(
                f"| {level['users']} | "
                + " | ".join(f"{cpu_ms_per_message(level, name):.1f}" for name in level["cpu_percent"])
                + " |"
            )
        lines += [
            f"\n**Level {level['users']} is disturbed**: other processes used {level['other_processes_percent']} % "
            "of a core while it ran (the machine is shared); its latencies are worse than the bot's own."
            for level in setup["levels"]
            if disturbed(level)
        ]
        errors = {level["users"]: level["error_kinds"] for level in setup["levels"] if level["error_kinds"]}
        if errors:
            lines += ["", "Errors by kind:", ""]
            lines += [
                f"- {users} concurrent: " + ", ".join(f"{kind} × {n}" for kind, n in kinds.items())
                for users, kinds in errors.items()
            ]
        problems = {name: counts for name, counts in setup["log_problems"].items() if counts}
        lines += [
            "",
            "Warnings and errors in the logs of the processes, whole run:"
            if problems
            else "No warnings or errors in the logs of the processes.",
            "",
        ]
        for name, counts in problems.items():
            for message, n in counts.items():
                note = (
                    " (messages being answered when locust closed its connections at the end of a level: not errors)"
                    if CANCELLED in message
                    else ""
                )
                lines.append(f"- {name}: `` {message} `` × {n}{note}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tools", type=Path, default=ROOT / ".tools", help="the tools venv (locust, matplotlib)")
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=list(SETUPS))
    parser.add_argument("--levels", nargs="+", type=int, default=list(LEVELS), help="concurrent conversations")
    parser.add_argument("--run-time", type=int, default=30, help="seconds of load per level")
    parser.add_argument(
        "--quiet-wait", type=float, default=180, help="seconds to wait at most for other processes to go quiet"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "load", help="raw results and logs")
    parser.add_argument("--report", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--plot", type=Path, default=ROOT / "bench" / "latency.png")
    args = parser.parse_args()
    if not MODEL.exists():
        sys.exit("no trained model: run `make train` first")
    locust = args.tools / "bin" / "locust"
    if not locust.exists():
        sys.exit(f"no locust at {locust}: run `make tools`")
    if "two-server" in args.setups:
        require_services()
    args.out.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([str(locust), "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    results = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "model_mib": round(MODEL.stat().st_size / 2**20, 1),
        "locust_version": version,
        "run_seconds": args.run_time,
        "setups": [],
    }
    for setup in args.setups:
        results["setups"].append(run_setup(setup, args.levels, args.run_time, args.out, locust, args.quiet_wait))
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    args.report.write_text(markdown(results))
    plot = [str(args.tools / "bin" / "python"), str(ROOT / "bench" / "plot_load.py"), str(args.out / "results.json")]
    subprocess.run([*plot, str(args.plot)], check=True, timeout=120)
    print(f"\nWrote {args.report} and {args.plot}:\n")
    for target, measured, met in targets(results):
        print(f"  {met.strip('*'):8} {target}: {measured}")


if __name__ == "__main__":
    main()
