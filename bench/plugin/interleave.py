#!/usr/bin/env python3
"""Wall time of commands run in turn: every round runs each command once, in a rotated order, so
that the machine's drift (±25% within minutes on the project's VM) falls on all of them alike.
hyperfine runs one command's runs in a block, and its ratios moved by 0.2 between blocks.

Usage: interleave.py ROUNDS DIR NAME=COMMAND...   (the last command is the reference)
Prints, per command, the median wall time and the median of its per-round ratio to the reference.
"""
import shlex
import statistics
import subprocess
import sys
import time

WARMUP_ROUNDS = 2


def main():
    rounds, cwd = int(sys.argv[1]), sys.argv[2]
    commands = [arg.split("=", 1) for arg in sys.argv[3:]]
    times = {name: [] for name, _ in commands}
    for r in range(WARMUP_ROUNDS + rounds):
        k = r % len(commands)
        for name, command in commands[k:] + commands[:k]:
            start = time.perf_counter()
            subprocess.run(shlex.split(command), cwd=cwd, stdout=subprocess.DEVNULL, check=True)
            if r >= WARMUP_ROUNDS:
                times[name].append(time.perf_counter() - start)
    reference = commands[-1][0]
    for name, _ in commands:
        ratios = [a / b for a, b in zip(times[name], times[reference])]
        print(f"{name}\t{statistics.median(times[name]) * 1000:.0f} ms\t"
              f"{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
