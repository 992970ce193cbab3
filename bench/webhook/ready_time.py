#!/usr/bin/env python3
"""Time from process start to the first HTTP 200 on /readyz over TLS, for bench/webhook/run.sh.

    ready_time.py RUNS PORT COMMAND...

Starts COMMAND RUNS times, polls https://127.0.0.1:PORT/readyz every millisecond (the
certificate is not verified), stops the process with SIGTERM, and prints the milliseconds of
each run and then "MEDIAN <ms>".
"""
import http.client
import signal
import ssl
import statistics
import subprocess
import sys
import time

runs, port, command = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
context = ssl._create_unverified_context()
times = []
for _ in range(runs):
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        if proc.poll() is not None:
            sys.exit("ready_time: %s exited with %d" % (command[0], proc.returncode))
        try:
            conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=2)
            conn.request("GET", "/readyz")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                break
        except OSError:
            pass
        time.sleep(0.001)
    times.append((time.perf_counter() - start) * 1000)
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
print(" ".join("%.1f" % t for t in times))
print("MEDIAN %.1f" % statistics.median(times))
