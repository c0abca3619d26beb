/*
 * The rule table.  Thresholds are in the unit of the rule's input; every
 * one is justified in its `why`, which docs/findings.md prints verbatim.
 * Figures quoted as "measured here" come from the 2-vCPU Debian 12 VM
 * (kernel 6.18, virtio disk vda, rotational=1) perflens is developed on.
 *
 * Recommendation commands may hold {pid} and {dev}; they are filled only
 * with a decimal pid or a device name checked against [A-Za-z0-9._-], never
 * with a file name or comm, so a hostile name cannot turn a copy-pasted
 * command into something else.
 */
#include "rules.h"

#include <string.h>

#define RO false
#define CHANGES true
#define EV(k) FEV_BIT(FEV_##k)

static const struct findings_input_info inputs[FIN_COUNT] = {
	[FIN_SLOW_STORAGE] = { "slow_storage_rate", "ops/s", FSCOPE_SYSTEM,
		"read, write and fsync-family syscalls on files and block devices that took "
		">= 5 ms, in the last complete second, from the timeline's histograms, so every "
		"event counts (to the histograms' resolution: from 4.7 ms). Ops under -t are not "
		"traced: with -t above 5 ms the count starts at -t.", NULL, NULL },
	[FIN_DEV_P99] = { "device_p99", "ms", FSCOPE_DEVICE,
		"p99 latency (submit to completion) of every block request of the device in the "
		"last second, from the in-kernel per-device histograms. Rotational or not comes "
		"from /sys/block/DEV/queue/rotational; unknown counts as rotational.",
		"requests completed in the second", "IOPS" },
	[FIN_DEV_UTIL] = { "device_util", "%", FSCOPE_DEVICE,
		"share of the last second with at least one request in flight (/proc/diskstats "
		"io_ticks, as iostat's %util).", NULL, NULL },
	[FIN_DEV_QDEPTH] = { "device_queue_depth", "requests", FSCOPE_DEVICE,
		"mean requests in flight or queued over the last second (/proc/diskstats "
		"weighted time, as iostat's aqu-sz).", NULL, NULL },
	[FIN_STUCK_AGE] = { "stuck_op_age", "s", FSCOPE_SYSTEM,
		"age of the oldest read, write or sync on a file or block device that is still "
		"running (the in-flight map, scanned each second). Waits on pipes, sockets and "
		"ttys are left out: they wait for a peer, which is normal.", NULL, NULL },
	[FIN_DSTATE] = { "dstate_tasks", "tasks", FSCOPE_SYSTEM,
		"threads in uninterruptible sleep (state D), counted from /proc each second.",
		NULL, NULL },
	[FIN_PSI_IO] = { "psi_io_some", "%", FSCOPE_SYSTEM,
		"/proc/pressure/io \"some\": share of the last second in which at least one task "
		"was stalled on I/O (from the kernel's total, not the 10 s average).", NULL, NULL },
	[FIN_PSI_CPU] = { "psi_cpu_some", "%", FSCOPE_SYSTEM,
		"/proc/pressure/cpu \"some\": share of the last second in which at least one "
		"runnable task waited for a CPU.", NULL, NULL },
	[FIN_PSI_MEM] = { "psi_memory_some", "%", FSCOPE_SYSTEM,
		"/proc/pressure/memory \"some\": share of the last second in which at least one "
		"task was stalled in reclaim, on refaults or swap-in.", NULL, NULL },
	[FIN_RUNQ_P99] = { "runq_p99", "ms", FSCOPE_SYSTEM,
		"p99 of wakeup-to-run latency over every wakeup in the last second (the in-kernel "
		"run-queue histogram; off with --no-runqlat).",
		"wakeups measured in the second", "wakeups" },
	[FIN_SPAWN_RATE] = { "spawn_rate", "processes/s", FSCOPE_SYSTEM,
		"new processes per second in the last complete second: the larger of forks and "
		"execs (a fork+exec pair is one spawn; threads are not forks). The parent is the "
		"top forker among the newest events (execs by parent pid when there are no "
		"forks).", NULL, NULL },
	[FIN_SLOW_IO_SHARE] = { "slow_io_share", "%", FSCOPE_PROCESS,
		"the top process's share of the time spent in slow (>= 5 ms) storage syscalls, "
		"among the newest events (the last 1-2 s, at most 4096 events).",
		"system-wide slow storage ops in the second", "ops/s" },
	[FIN_SYNC_TIME] = { "sync_time", "ms/s", FSCOPE_PROCESS,
		"time per second a process spent in fsync, fdatasync, sync_file_range and syncfs "
		"calls slower than -t on files: the second's total from the timeline, split "
		"between processes by their share among the newest events.", NULL, NULL },
	[FIN_LOST_RATE] = { "events_lost_rate", "events/s", FSCOPE_SYSTEM,
		"events perflens could not keep, per second: ring buffer full, output queue full, "
		"in-flight or block map full, undecodable records, events older than the window, "
		"processes refused by a full process table.", NULL, NULL },
	[FIN_SELF_CPU] = { "self_cpu", "% of one CPU", FSCOPE_SYSTEM,
		"perflens' own CPU in the last second: its threads (utime+stime) plus the run time "
		"of its BPF programs.", NULL, NULL },
	[FIN_OOM_KILLS] = { "oom_kills", "kills in 60 s", FSCOPE_SYSTEM,
		"processes the OOM killer chose (oom:mark_victim) in the last 60 s, system-wide or "
		"by a cgroup's memory limit.", NULL, NULL },
};

static const char *const category_names[FCAT_COUNT] = {
	[FCAT_STORAGE] = "storage", [FCAT_CPU] = "cpu", [FCAT_MEMORY] = "memory",
	[FCAT_MONITOR] = "monitor",
};

static const char *const ev_kind_names[FEV_NKINDS] = {
	[FEV_PROCESS] = "process", [FEV_DEVICE] = "device", [FEV_FILE] = "file",
	[FEV_STACK] = "stack", [FEV_CGROUP] = "cgroup", [FEV_COUNTER] = "counter",
};

static const struct findings_health_model health_model = {
	.weight = { [FCAT_STORAGE] = 40, [FCAT_CPU] = 30, [FCAT_MEMORY] = 30, [FCAT_MONITOR] = 0 },
	.warn_factor = 0.5,
	.crit_factor = 1.0,
	.max_reasons = 3,
	.formula = "100 - sum over categories (storage 40, cpu 30, memory 30) of weight x "
		   "(0.5 if its worst open finding is a warning, 1.0 if critical); each category "
		   "counts once however many of its rules fire",
};

#define REC_IOSTAT_DEV { "iostat -dxy {dev} 1 5", RO, \
	"per-device latency (r_await/w_await), queue size and utilisation: 5 one-second samples (sysstat)" }
#define REC_PROC_STACK { "cat /proc/{pid}/stack", RO, \
	"the kernel stack the task sleeps in (root)" }

static const struct findings_rule rules[] = {
{
	.id = "slow_storage", .title = "Slow storage I/O", .category = FCAT_STORAGE,
	.input = FIN_SLOW_STORAGE, .warn = 10, .crit = 100, .fire_after_s = 3, .clear_after_s = 10,
	.evidence = EV(PROCESS) | EV(DEVICE) | EV(FILE) | EV(STACK),
	.explain = "Reads, writes or syncs on files keep taking 5 ms or more. The processes, device, "
		   "file and wait stack below are where most of that time went.",
	.why = "A local SSD serves almost every request in well under 1 ms and a disk seek takes "
	       "about 10 ms, so an op past 5 ms waited in a queue, behind a cache flush or on a slow "
	       "device. 10 ops/s is at least 50 ms of stall every second (5% of one thread); 100/s "
	       "is at least half a second per second. 3 s filters one journal commit or writeback "
	       "burst; 10 s to clear keeps a bursty writer from flapping. Measured here: stress-ng "
	       "--hdd 1 with dsync writes gives about 38 slow writes/s (median 6.7 ms).",
	.recs = { REC_IOSTAT_DEV,
		  { "pidstat -d -p {pid} 1 5", RO, "the top process's read/write rate and I/O delay (sysstat)" },
		  { "cat /proc/{pid}/io", RO, "bytes the top process read and wrote, and how much reached storage" } },
},
{
	.id = "device_latency_rotational", .title = "Slow disk (rotational) latency",
	.category = FCAT_STORAGE, .input = FIN_DEV_P99, .filter = FFILT_ROTATIONAL,
	.warn = 100, .crit = 500, .min_support = 20, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(DEVICE) | EV(PROCESS),
	.explain = "One request in a hundred on this disk takes longer than the threshold, counted "
		   "over every request, not only the slow ones perflens reports.",
	.why = "A disk needs 5-15 ms for a random access; a busy but healthy one keeps p99 under "
	       "about 50 ms (a few requests queued behind seeks). 100 ms p99 is ten seeks of "
	       "queueing; 500 ms is a stall users see. Under 20 requests in the second the p99 is "
	       "one or two requests, so the rule waits for 20 IOPS. Virtual disks often say "
	       "rotational=1 (vda here does), and unknown devices count as rotational, so these "
	       "lenient thresholds are the default. Measured here under stress-ng --hdd: vda p99 "
	       "0.2-2.5 ms.",
	.recs = { REC_IOSTAT_DEV,
		  { "cat /sys/block/{dev}/queue/scheduler", RO, "the I/O scheduler in use (mq-deadline or bfq suit disks)" },
		  { "smartctl -a /dev/{dev}", RO, "drive health: reallocated and pending sectors, error log (smartmontools)" },
		  { "echo mq-deadline > /sys/block/{dev}/queue/scheduler", CHANGES,
		    "switch to mq-deadline, which bounds read latency on a disk (until reboot)" } },
},
{
	.id = "device_latency_ssd", .title = "Slow SSD (non-rotational) latency",
	.category = FCAT_STORAGE, .input = FIN_DEV_P99, .filter = FFILT_NONROTATIONAL,
	.warn = 20, .crit = 100, .min_support = 20, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(DEVICE) | EV(PROCESS),
	.explain = "One request in a hundred on this SSD takes longer than the threshold, counted "
		   "over every request.",
	.why = "NVMe and SATA SSDs keep p99 under 1-2 ms at moderate load; network volumes that "
	       "report rotational=0 (cloud block storage) sit at 2-10 ms. 20 ms is above all of "
	       "them when healthy; 100 ms means throttling (exhausted burst credits), garbage "
	       "collection stalls or failing hardware. The 20-IOPS gate is the same as for disks.",
	.recs = { REC_IOSTAT_DEV,
		  { "smartctl -a /dev/{dev}", RO, "drive health and error log (smartmontools; NVMe too)" },
		  { "cat /sys/block/{dev}/queue/scheduler", RO, "the I/O scheduler in use (none suits fast NVMe)" },
		  { "fstrim -v /", CHANGES, "discard unused blocks of /: a full SSD stalls writes in garbage collection" } },
},
{
	.id = "device_util", .title = "Device busy", .category = FCAT_STORAGE,
	.input = FIN_DEV_UTIL, .warn = 80, .crit = 95, .fire_after_s = 10, .clear_after_s = 10,
	.evidence = EV(DEVICE) | EV(PROCESS),
	.explain = "The device had a request in flight for most of each second.",
	.why = "For a device that serves one request at a time, queueing delay grows as "
	       "1/(1-utilisation): 5x the service time at 80%, 20x at 95%. SSDs and RAID serve "
	       "many requests at once and can be 100% busy with headroom left, which is why the "
	       "latency rules exist and why the health score counts storage once, however many "
	       "storage rules fire. 10 s, because busy periods of a few seconds are normal "
	       "(writeback).",
	.recs = { REC_IOSTAT_DEV,
		  { "iotop -obn 3", RO, "which processes do the I/O right now (iotop)" },
		  { "cat /sys/block/{dev}/queue/rotational", RO,
		    "1: a disk, where high utilisation means queueing; 0: an SSD, which may still have headroom" } },
},
{
	.id = "device_queue", .title = "Deep device queue", .category = FCAT_STORAGE,
	.input = FIN_DEV_QDEPTH, .warn = 16, .crit = 64, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(DEVICE) | EV(PROCESS),
	.explain = "Requests pile up in front of the device faster than it completes them.",
	.why = "On a disk an average of 16 requests queued means a new one waits about 16 service "
	       "times (over 100 ms at 8 ms each); SSDs absorb 16 in parallel (SATA NCQ has 32 "
	       "slots), so there it is only a warning. 64 is a quarter of the 256-request "
	       "scheduler queue (nr_requests with mq-deadline here): sustained for 5 s, requests "
	       "arrive faster than any device here completes them.",
	.recs = { REC_IOSTAT_DEV,
		  { "cat /sys/block/{dev}/inflight", RO, "reads and writes in flight right now" },
		  { "cat /sys/block/{dev}/queue/nr_requests", RO, "the scheduler queue size: when full, submitters sleep" } },
},
{
	.id = "stuck_io", .title = "Storage operation stuck", .category = FCAT_STORAGE,
	.input = FIN_STUCK_AGE, .warn = 5, .crit = 30, .fire_after_s = 1, .clear_after_s = 5,
	.evidence = EV(PROCESS) | EV(FILE),
	.explain = "A read, write or sync on a file has been running for seconds and has not "
		   "finished. The process cannot make progress until it does.",
	.why = "No healthy device needs seconds for one operation (a disk's worst case is well "
	       "under 1 s); 5 s means error recovery, a lost path (iSCSI, NFS, multipath) or a "
	       "frozen filesystem. 30 s is the default SCSI and NVMe command timeout, past which "
	       "the kernel itself aborts and retries. The age already measures duration, so it "
	       "fires on the first second over.",
	.recs = { REC_PROC_STACK,
		  { "dmesg -T | tail -n 50", RO, "device errors, resets, timeouts and hung-task reports" },
		  { "echo w > /proc/sysrq-trigger", CHANGES,
		    "log the kernel stacks of every blocked task to the kernel log (needs kernel.sysrq)" } },
},
{
	.id = "dstate_tasks", .title = "Tasks in uninterruptible sleep", .category = FCAT_STORAGE,
	.input = FIN_DSTATE, .warn = 4, .crit = 16, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(PROCESS),
	.explain = "Threads are stuck in D state, usually waiting for storage or a kernel lock; "
		   "they cannot be killed and add to the load average.",
	.why = "A healthy system shows 0-1 D threads, briefly, while I/O completes (measured "
	       "here under stress-ng --hdd: 0-1). 4 threads for 5 s in a row means work is piling "
	       "up behind a device or lock; 16 is a pile-up (hung NFS mount, failing disk). Counted "
	       "by the storage category because that is the usual cause.",
	.recs = { { "ps -eo pid,stat,wchan:32,comm | awk '$2 ~ /^D/'", RO,
		    "every task in D state and the kernel function it waits in" },
		  REC_PROC_STACK,
		  { "cat /proc/pressure/io", RO, "whether the waits are I/O" } },
},
{
	.id = "psi_io", .title = "I/O pressure", .category = FCAT_STORAGE,
	.input = FIN_PSI_IO, .warn = 20, .crit = 50, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(COUNTER) | EV(PROCESS) | EV(DEVICE),
	.explain = "For a large share of each second some task was stalled waiting for I/O "
		   "(the kernel's own pressure accounting).",
	.why = "At 20% \"some\", work is delayed by I/O a fifth of the time; at 50%, half of it. "
	       "The per-second figure is noisy, so 5 s in a row are required (the kernel's avg10 "
	       "would react later). Measured here: stress-ng --hdd 1 with dsync writes reaches "
	       "25-27%.",
	.recs = { { "cat /proc/pressure/io", RO, "some/full averages over 10, 60 and 300 s" },
		  { "iostat -dxy 1 5", RO, "which device is busy (sysstat)" },
		  { "pidstat -d 1 5", RO, "which processes do I/O and wait for it (sysstat)" } },
},
{
	.id = "psi_cpu", .title = "CPU pressure", .category = FCAT_CPU,
	.input = FIN_PSI_CPU, .warn = 20, .crit = 50, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(COUNTER),
	.explain = "Runnable tasks wait for a CPU for a large share of each second: there is "
		   "more work than CPUs.",
	.why = "At 20% some task could have run but had no CPU a fifth of the time, which shows as "
	       "latency in everything on the machine; 50% is oversubscription. 5 s in a row filter "
	       "a build step or a cron job's burst. Measured here: stress-ng --cpu 4 on 2 vCPUs "
	       "gives 94-100%.",
	.recs = { { "cat /proc/pressure/cpu", RO, "some averages over 10, 60 and 300 s" },
		  { "pidstat -u 1 5", RO, "CPU per process (sysstat)" },
		  { "top -b -n 1 -o %CPU | head -n 20", RO, "the top CPU users now" } },
},
{
	.id = "psi_memory", .title = "Memory pressure", .category = FCAT_MEMORY,
	.input = FIN_PSI_MEM, .warn = 10, .crit = 30, .fire_after_s = 5, .clear_after_s = 10,
	.evidence = EV(COUNTER),
	.explain = "Tasks stall in memory reclaim, on refaults of evicted pages or on swap-in.",
	.why = "Memory stalls are expensive per event (a refault is a disk read), so the "
	       "thresholds are lower than for CPU and I/O: 10% means reclaim is already costing a "
	       "tenth of the time, 30% is thrashing, the state just before OOM kills. 5 s in a row "
	       "filter one large allocation.",
	.recs = { { "cat /proc/pressure/memory", RO, "some/full averages over 10, 60 and 300 s" },
		  { "vmstat 1 5", RO, "free memory and swap-in/out (si/so) over 5 s" },
		  { "ps -eo pid,rss,comm --sort=-rss | head -n 15", RO, "the largest processes" },
		  { "grep -E 'pgmajfault|workingset_refault|oom_kill' /proc/vmstat", RO,
		    "major faults, refaults and OOM kills since boot" } },
},
{
	.id = "runq_latency", .title = "Run-queue latency", .category = FCAT_CPU,
	.input = FIN_RUNQ_P99, .warn = 10, .crit = 50, .min_support = 100,
	.fire_after_s = 5, .clear_after_s = 10, .evidence = EV(COUNTER),
	.explain = "Woken tasks wait too long for a CPU: one wakeup in a hundred waits longer "
		   "than the threshold before it runs.",
	.why = "The scheduler's base slice is 0.75 ms x (1 + log2 CPUs), at most 3 ms, so a woken "
	       "task normally runs within a few slices. 10 ms p99 is jitter that requests notice; "
	       "50 ms is several frames of a 60 Hz display. Under 100 wakeups in the second the "
	       "p99 is one or two samples, so the rule waits for 100. Measured here: stress-ng "
	       "--cpu 4 on 2 vCPUs gives 20-40 ms.",
	.recs = { { "vmstat 1 5", RO, "the r column (runnable tasks) against the CPU count" },
		  { "mpstat -P ALL 1 5", RO, "per-CPU busy and steal time (sysstat); high %steal: the hypervisor takes the CPU" },
		  { "pidstat -u 1 5", RO, "CPU per process (sysstat)" } },
},
{
	.id = "spawn_storm", .title = "Fork/exec storm", .category = FCAT_CPU,
	.input = FIN_SPAWN_RATE, .warn = 100, .crit = 500, .fire_after_s = 3, .clear_after_s = 10,
	.evidence = EV(PROCESS) | EV(COUNTER),
	.explain = "Processes are created at a high rate; the parent below creates most of them. "
		   "Each costs page-table copies, exec and exit work on the CPU.",
	.why = "A spawn costs 0.1-3 ms of CPU (fork, exec, exit): measured here, stress-ng --fork "
	       "used 4.99 s of CPU for 1845 forks, 2.7 ms each. At 100/s that is 10-30% of a CPU "
	       "spent making processes, the mark of a shell loop, a crash-restart loop or a "
	       "CGI-style server; 500/s is most of a CPU. A busy shared machine here idles at "
	       "10-50/s. 3 s filters a build's configure step.",
	.recs = { { "pstree -p {pid}", RO, "the parent and what it runs" },
		  { "ps -o pid,etimes,args --ppid {pid}", RO, "its children and how long they have lived" },
		  { "kill -STOP {pid}", CHANGES, "pause the parent (resume it with kill -CONT {pid})" } },
},
{
	.id = "slow_io_dominator", .title = "One process dominates slow I/O",
	.category = FCAT_STORAGE, .input = FIN_SLOW_IO_SHARE, .warn = 75, .crit = 95,
	.min_support = 10, .fire_after_s = 3, .clear_after_s = 10,
	.evidence = EV(PROCESS) | EV(FILE) | EV(DEVICE) | EV(STACK),
	.explain = "Most of the time spent in slow storage I/O belongs to this one process: it is "
		   "the place to look first.",
	.why = "This rule attributes rather than measures harm, so it only runs while slow storage "
	       "I/O is itself at its warning level (10 slow ops/s). 75% is most of it; 95% is all "
	       "of it in practice, a single culprit. The severity says how certain the "
	       "attribution is; the health score counts it with storage, never on top of it.",
	.recs = { { "pidstat -d -p {pid} 1 5", RO, "its read/write rate and I/O delay (sysstat)" },
		  { "ls -l /proc/{pid}/fd", RO, "the files it has open" },
		  { "ionice -c 3 -p {pid}", CHANGES, "put it in the idle I/O class so others go first (bfq only)" } },
},
{
	.id = "fsync_heavy", .title = "fsync-heavy writer", .category = FCAT_STORAGE,
	.input = FIN_SYNC_TIME, .warn = 200, .crit = 500, .fire_after_s = 3, .clear_after_s = 10,
	.evidence = EV(PROCESS) | EV(FILE) | EV(STACK),
	.explain = "This process spends much of its time waiting for fsync-family calls; each one "
		   "also drains the device's write cache, which slows everyone else's I/O.",
	.why = "200 ms/s is a fifth of the process's wall time waiting on flushes; 500 ms/s means "
	       "it is flush-bound. Only calls slower than -t are seen: with the default 5 ms, 40 "
	       "slow fsyncs a second reach the warning. Lower -t to see frequent fast ones.",
	.recs = { { "cat /proc/{pid}/io", RO, "bytes it wrote and how much reached storage" },
		  { "strace -f -c -e trace=fsync,fdatasync,sync_file_range -p {pid}", RO,
		    "count its sync calls (ptrace slows it while attached; stop with Ctrl-C)" },
		  { "ls -l /proc/{pid}/fd", RO, "the files it has open" } },
},
{
	.id = "events_lost", .title = "perflens is missing data", .category = FCAT_MONITOR,
	.input = FIN_LOST_RATE, .warn = 1, .crit = 1000, .fire_after_s = 1, .clear_after_s = 30,
	.evidence = EV(COUNTER),
	.explain = "perflens dropped events, so counts and rankings under-report. Other findings "
		   "may be missing or understated.",
	.why = "Any loss makes the numbers incomplete, so one lost event a second is enough to say "
	       "so, at once; 1000/s means a large part of the picture is gone. 30 s to clear, "
	       "because losses come in bursts. The monitor category has weight 0: lost data lowers "
	       "confidence in the health score (data_complete=false), not the system's health.",
	.recs = { { "perflens --ring-size 64M", RO, "restart perflens with a bigger ring buffer" },
		  { "perflens -t 20ms", RO, "restart with a higher threshold: fewer, slower events" },
		  { "perflens --json --output none", RO, "headless without per-event lines (queue drops)" } },
},
{
	.id = "self_overhead", .title = "perflens over its CPU budget", .category = FCAT_MONITOR,
	.input = FIN_SELF_CPU, .warn = 10, .crit = 25, .fire_after_s = 10, .clear_after_s = 10,
	.evidence = EV(COUNTER),
	.explain = "perflens itself uses more CPU than its budget and is disturbing what it measures.",
	.why = "The budget is a tenth of one CPU: a monitor that costs more changes the system it "
	       "watches. Measured here under heavy scheduling load: 3-15% (user space plus BPF run "
	       "time), idle far less. 25% means the probes run on a very hot path (every context "
	       "switch or syscall). 10 s, because start-up (symbol tables) costs a burst.",
	.recs = { { "perflens --no-runqlat --no-pmu", RO, "restart without the per-switch probe and sampling" },
		  { "perflens -t 20ms", RO, "restart with a higher threshold" },
		  { "perflens --kinds file,blockdev", RO, "restart tracing storage only" } },
},
{
	.id = "oom_kill", .title = "OOM kill", .category = FCAT_MEMORY,
	.input = FIN_OOM_KILLS, .warn = 1, .crit = 3, .fire_after_s = 1, .clear_after_s = 1,
	.evidence = EV(PROCESS) | EV(CGROUP),
	.explain = "The kernel killed a process to free memory, system-wide or because a cgroup "
		   "hit its memory limit.",
	.why = "A kill is never routine: one is a warning (a limit did its job, and the victim is "
	       "gone), three within a minute is a crash loop or a real shortage. The input is a "
	       "60 s count, so the finding stays open for a minute after the last kill; it opens "
	       "on the first second.",
	.recs = { { "dmesg -T | grep -i -A 20 'invoked oom-killer'", RO,
		    "the kernel's OOM report: memory state and task list at the kill" },
		  { "grep oom_kill /proc/vmstat", RO, "OOM kills since boot" },
		  { "cat /proc/pressure/memory", RO, "whether memory is still short" } },
},
};

const struct findings_rule *findings_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const struct findings_rule *findings_rule_by_id(const char *id)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (!strcmp(rules[i].id, id))
			return &rules[i];
	return NULL;
}

const struct findings_input_info *findings_input_info(enum findings_input in)
{
	return (unsigned)in < FIN_COUNT ? &inputs[in] : NULL;
}

const char *findings_category_name(enum findings_category c)
{
	return (unsigned)c < FCAT_COUNT ? category_names[c] : "?";
}

const char *findings_ev_kind_name(enum finding_ev_kind k)
{
	return (unsigned)k < FEV_NKINDS ? ev_kind_names[k] : "?";
}

const struct findings_health_model *findings_health_model(void)
{
	return &health_model;
}
