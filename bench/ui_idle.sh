#!/bin/sh
# ui_idle_cpu_pct: CPU used by the TUI thread of ./perflens (the main
# thread: input, snapshot, drawing, housekeeping) while the screen sits at
# a 1 s refresh in an 80x24 tmux pane, over SECS seconds (default 30), from
# /proc/PID/task/PID/stat (utime + stime).  ui_idle_process_cpu_pct is the
# whole process (the consumer thread draining the ring buffer included),
# and ui_idle_json_cpu_pct the same tracing headless (--json --output
# none): on a busy machine those two include tracing that machine's
# activity, the first does not.  Needs root and tmux.
#
#   bench/ui_idle.sh [SECS]
set -eu
cd "$(dirname "$0")/.."
SECS=${1:-30}
BIN=${PERFLENS:-./perflens}
SESSION=plidle$$
TICK=$(getconf CLK_TCK)

cpu_ticks() { # utime + stime of a /proc stat file
	awk '{ sub(/.*\) /, ""); print $12 + $13 }' "$1"
}

child_of() { # the perflens child of a shell pid
	for p in /proc/[0-9]*; do
		[ -r "$p/stat" ] || continue
		if awk -v pp="$1" '{ sub(/.*\) /, ""); exit !($2 == pp) }' "$p/stat" 2>/dev/null; then
			basename "$p"
			return 0
		fi
	done
	return 1
}

pct() { # ticks before, after -> percent of one CPU over SECS
	awk -v a="$1" -v b="$2" -v s="$SECS" -v hz="$TICK" 'BEGIN { printf "%.3f", (b - a) * 100 / hz / s }'
}

cleanup() { tmux kill-session -t "$SESSION" 2>/dev/null || true; }
trap cleanup EXIT

tmux new-session -d -s "$SESSION" -x 80 -y 24 "sh -c '$BIN --refresh 1; sleep 5'"
shell=$(tmux display -p -t "$SESSION" '#{pane_pid}')
i=0
until tmux capture-pane -p -t "$SESSION" | grep -q Dashboard; do
	i=$((i + 1))
	[ $i -lt 600 ] || { echo "ui_idle: perflens did not start" >&2; exit 1; }
	sleep 0.1
done
pid=$(child_of "$shell")
sleep 2 # let start-up settle
ui0=$(cpu_ticks "/proc/$pid/task/$pid/stat")
all0=$(cpu_ticks "/proc/$pid/stat")
sleep "$SECS"
ui1=$(cpu_ticks "/proc/$pid/task/$pid/stat")
all1=$(cpu_ticks "/proc/$pid/stat")
echo "ui_idle_cpu_pct $(pct "$ui0" "$ui1") %"
echo "ui_idle_process_cpu_pct $(pct "$all0" "$all1") %"
tmux send-keys -t "$SESSION" q
cleanup

# The same tracing without the screen, for comparison.
$BIN --json --output none >/dev/null 2>&1 &
jpid=$!
sleep 3
j0=$(cpu_ticks "/proc/$jpid/stat")
sleep "$SECS"
j1=$(cpu_ticks "/proc/$jpid/stat")
echo "ui_idle_json_cpu_pct $(pct "$j0" "$j1") %"
kill -INT "$jpid"
wait "$jpid" 2>/dev/null || true
