"""Draws bench/latency.png from the load benchmark's results.json: p50, p95 and p99 latency per message against
concurrent conversations, both setups, with the p95 target; and messages per second beside it.

Runs in the tools venv (matplotlib is there): `.tools/bin/python bench/plot_load.py results/load/results.json
bench/latency.png`; bench/load.py calls it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import ScalarFormatter

TARGET_P95_MS = 150
TICKS_MS = [5, 10, 20, 50, 100, 150, 200, 500, 1000, 2000, 5000, 10000, 20000, 60000]
STYLES = {"single": ("-", "o"), "two-server": ("--", "s")}
COLOURS = {"p50_ms": "tab:green", "p95_ms": "tab:orange", "p99_ms": "tab:red"}


def main(source: Path, target: Path) -> None:
    results = json.loads(source.read_text())
    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(12, 5.2), width_ratios=(3, 2))
    for setup in results["setups"]:
        line, marker = STYLES.get(setup["name"], ("-.", "^"))
        users = [level["users"] for level in setup["levels"]]
        for key, colour in COLOURS.items():
            latency.plot(
                users, [level[key] for level in setup["levels"]], linestyle=line, marker=marker, color=colour,
                label=f"{setup['name']}: {key.removesuffix('_ms')}",
            )  # fmt: skip
        throughput.plot(
            users, [level["messages_per_s"] for level in setup["levels"]], linestyle=line, marker=marker,
            color="tab:blue", label=setup["name"],
        )  # fmt: skip
        for level in setup["levels"]:
            if level["errors"]:
                latency.annotate(
                    f"{level['errors']} errors", (level["users"], level["p99_ms"]), textcoords="offset points",
                    xytext=(6, 6), color="darkred", fontsize=9,
                )  # fmt: skip
    latency.axhline(TARGET_P95_MS, color="grey", linewidth=1, linestyle=":")
    latency.annotate(
        f"target: p95 < {TARGET_P95_MS} ms at 10 (single)", (1, TARGET_P95_MS), xycoords=("axes fraction", "data"),
        textcoords="offset points", xytext=(-4, 4), ha="right", color="grey", fontsize=9,
    )  # fmt: skip
    for axes in (latency, throughput):
        axes.set_xscale("log")
        levels = sorted({level["users"] for setup in results["setups"] for level in setup["levels"]})
        axes.set_xticks(levels)
        axes.xaxis.set_major_formatter(ScalarFormatter())
        axes.minorticks_off()
        axes.set_xlabel("concurrent conversations")
        axes.grid(True, alpha=0.3)
    latency.set_yscale("log")
    low, high = latency.get_ylim()
    latency.set_yticks([tick for tick in TICKS_MS if low <= tick <= high])
    latency.yaxis.set_major_formatter(ScalarFormatter())
    latency.set_ylabel("latency per message, ms (log scale)")
    latency.set_title("REST latency per message")
    latency.legend(fontsize=8, ncol=2)
    throughput.set_ylim(bottom=0)
    throughput.set_ylabel("messages per second")
    throughput.set_title("Throughput")
    throughput.legend(fontsize=8)
    machine = results["machine"]
    figure.suptitle(
        f"ChargePoint bot under load (locust, {results['run_seconds']} s per level), {results['date']}, "
        f"{machine['nproc']} cores, {machine['memory_gib']} GiB",
        fontsize=11,
    )
    figure.tight_layout()
    figure.savefig(target, dpi=110)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
