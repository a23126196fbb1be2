#!/usr/bin/env python3
"""Latency of the live speech stage on one file played at 1x, from the JSON lines as they arrive.

    ./sensorium transcribe --realtime FILE 2> err.log | python3 src/bench/live-first-look.py err.log DURATION

The stream's start is taken as the wall time of ingest's "published ... as stream" log line less the file's
DURATION (the pacer publishes the last chunk when its last sample would have been heard), so the figures are
low by the few milliseconds between that chunk and the log line. Prints, per final, the delay from the end of its
audio (stream start + end) to its line's arrival, and the delay from the first partial's start to its arrival.
"""
import datetime, json, re, statistics, sys, time

lines = [(time.time(), json.loads(line)) for line in sys.stdin if line.strip()]
log, duration = sys.argv[1], float(sys.argv[2])
published = None
for entry in open(log):
    m = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d) INFO AudioIngest - published", entry)
    if m:
        h, mi, s, ms = map(int, m.groups())
        today = datetime.datetime.now().replace(hour=h, minute=mi, second=s, microsecond=ms * 1000)
        published = today.timestamp()
start = published - duration
finals = [(t - (start + r["end"]), r) for t, r in lines if r["type"] == "segment"]
partials = [(t - (start + r["start"]), r) for t, r in lines if r["type"] == "partial" and r["text"]]
for delay, r in finals:
    print(f"final  end {r['end']:6.2f} s  delay {delay:5.2f} s  {r['text']}")
delays = [d for d, _ in finals]
print(f"finals: {len(delays)}, delay p50 {statistics.median(delays):.2f} s, max {max(delays):.2f} s")
if partials:
    d, r = partials[0]
    print(f"first partial: speech at {r['start']:.2f} s, shown {d:.2f} s later: {r['text']}")
