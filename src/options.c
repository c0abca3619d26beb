#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "live/pmu.h"
#include "util/duration.h"

enum {
	OPT_BLOCK_THRESHOLD = 1000, OPT_KINDS, OPT_FOLLOW, OPT_JSON, OPT_NO_SCRUB,
	OPT_TRACE_SELF, OPT_VERSION, OPT_ATTACH, OPT_BLOCK_ATTACH, OPT_RING, OPT_STACK_DEPTH,
	OPT_BLOCK_STACKS, OPT_WINDOW, OPT_OUTPUT, OPT_TOP, OPT_FRAMES, OPT_REFRESH, OPT_PMU, OPT_PMU_FREQ, OPT_NO_PMU, OPT_COUNTERS, OPT_NO_COUNTERS, OPT_FOLDED, OPT_ALL_OPS, OPT_NO_RUNQLAT, OPT_CGROUP, OPT_RECORD, OPT_RECORD_MAX, OPT_REPLAY, OPT_SPEED, OPT_CAST,
	OPT_FROM, OPT_TO,
	OPT_AI_URL, OPT_AI_MODEL, OPT_AI_KEY_FILE, OPT_AI_INTERVAL, OPT_AI_BUDGET, OPT_AI_FULL,
	OPT_AI_ANON, OPT_AI_DRY, OPT_AI_KEY,
};

static const struct option long_opts[] = {
	{ "threshold", required_argument, NULL, 't' },
	{ "block-threshold", required_argument, NULL, OPT_BLOCK_THRESHOLD },
	{ "kinds", required_argument, NULL, OPT_KINDS },
	{ "pid", required_argument, NULL, 'p' },
	{ "follow-children", no_argument, NULL, OPT_FOLLOW },
	{ "comm", required_argument, NULL, 'c' },
	{ "duration", required_argument, NULL, 'd' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "no-scrub", no_argument, NULL, OPT_NO_SCRUB },
	{ "trace-self", no_argument, NULL, OPT_TRACE_SELF },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "block-attach", required_argument, NULL, OPT_BLOCK_ATTACH },
	{ "ring-size", required_argument, NULL, OPT_RING },
	{ "stack-depth", required_argument, NULL, OPT_STACK_DEPTH },
	{ "block-stacks", no_argument, NULL, OPT_BLOCK_STACKS },
	{ "window", required_argument, NULL, OPT_WINDOW },
	{ "output", required_argument, NULL, OPT_OUTPUT },
	{ "top", required_argument, NULL, OPT_TOP },
	{ "frames", required_argument, NULL, OPT_FRAMES },
	{ "pmu", required_argument, NULL, OPT_PMU },
	{ "pmu-freq", required_argument, NULL, OPT_PMU_FREQ },
	{ "no-pmu", no_argument, NULL, OPT_NO_PMU },
	{ "counters", required_argument, NULL, OPT_COUNTERS },
	{ "no-counters", no_argument, NULL, OPT_NO_COUNTERS },
	{ "folded", required_argument, NULL, OPT_FOLDED },
	{ "all-ops", no_argument, NULL, OPT_ALL_OPS },
	{ "no-runqlat", no_argument, NULL, OPT_NO_RUNQLAT },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "record-max", required_argument, NULL, OPT_RECORD_MAX },
	{ "replay", required_argument, NULL, OPT_REPLAY },
	{ "speed", required_argument, NULL, OPT_SPEED },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "to", required_argument, NULL, OPT_TO },
	{ "cast", required_argument, NULL, OPT_CAST },
	{ "ai-url", required_argument, NULL, OPT_AI_URL },
	{ "ai-model", required_argument, NULL, OPT_AI_MODEL },
	{ "ai-key-file", required_argument, NULL, OPT_AI_KEY_FILE },
	{ "ai-interval", required_argument, NULL, OPT_AI_INTERVAL },
	{ "ai-budget", required_argument, NULL, OPT_AI_BUDGET },
	{ "ai-full-cmdline", no_argument, NULL, OPT_AI_FULL },
	{ "ai-anonymize", no_argument, NULL, OPT_AI_ANON },
	{ "ai-dry-run", no_argument, NULL, OPT_AI_DRY },
	{ "ai-key", required_argument, NULL, OPT_AI_KEY },
	{ "refresh", required_argument, NULL, OPT_REFRESH },
	{ 0 },
};

static const char usage[] =
	"Usage: perflens [OPTIONS]\n"
	"Live Linux performance monitor: slow reads, writes, syncs and block I/O,\n"
	"with who, on which file or device, and where they waited; fork/exec/exit.\n"
	"\n"
	"  -t, --threshold DUR        slow I/O syscall threshold (default 5ms; 200us, 5ms, 1s)\n"
	"      --block-threshold DUR  block request threshold (default: the -t value)\n"
	"      --kinds LIST           only these kinds: file,blockdev,pipe,socket,tty,other\n"
	"  -p, --pid PID[,PID...]     only these processes\n"
	"      --follow-children      with -p, include their children as they are born\n"
	"  -c, --comm NAME            only processes with this comm\n"
	"  -d, --duration SECS        stop after this long\n"
	"      --json                 headless: one JSON object per line on stdout\n"
	"      --output none          with --json: count events but print only ready/summary\n"
	"      --no-scrub             do not hide secrets in command lines and paths\n"
	"      --trace-self           trace perflens itself too (debugging)\n"
	"      --attach auto|raw|classic        syscall attach path (default auto)\n"
	"      --block-attach auto|start|insert|classic  block submitter hook (default auto)\n"
	"      --ring-size SIZE       BPF ring buffer size (default 16M, power of two)\n"
	"      --stack-depth N        user/kernel frames captured, 0..32 (default 32)\n"
	"      --block-stacks         capture submitter stacks for block requests\n"
	"      --pmu EVENT            sample on cycles (default), instructions, cache-misses,\n"
	"                             branch-misses, cpu-clock or page-faults; hardware events\n"
	"                             fall back to cpu-clock where there is no PMU\n"
	"      --pmu-freq HZ          samples per second per CPU, 1..10000 (default 99)\n"
	"      --no-pmu               no PMU sampling (and no counters, unless --counters)\n"
	"      --counters auto|off|software  per-process IPC and cache-miss rate from\n"
	"                             hardware counters (auto: where the CPU has a PMU);\n"
	"                             software: stand-in events, to test the plumbing\n"
	"      --no-counters          same as --counters off\n"
	"      --folded FILE          write folded stacks (flame graph input) on exit\n"
	"      --cgroup PATH          only tasks in this cgroup (v2 path) and below\n"
	"      --all-ops              latency histograms of every I/O syscall per process\n"
	"      --no-runqlat           no run-queue latency histogram\n"
	"      --record FILE          record the session (events, stacks, ticks) to FILE\n"
	"      --record-max SIZE      stop recording when FILE would pass SIZE (e.g. 512M)\n"
	"      --replay FILE          replay a recording (no root needed); with --json, print it\n"
	"      --speed X              replay speed on the screen, 0.25..16 (default 1)\n"
	"      --from T, --to T       replay --json only the events between these times\n"
	"                             (HH:MM:SS, or +OFFSET from the start such as +90s)\n"
	"      --cast FILE            record the screen as an asciicast v2 file (live or replay)\n"
	"      --ai-url BASE          OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1\n"
	"      --ai-model NAME        model name; AI is off unless URL and model are set\n"
	"      --ai-key-file PATH     API key file (mode 0600); or PERFLENS_AI_KEY, never argv\n"
	"      --ai-interval SECS     seconds between AI checks, 5..86400 (default 30)\n"
	"      --ai-budget TOKENS     prompt budget, 500..200000 (default 3000)\n"
	"      --ai-full-cmdline      send scrubbed, truncated command lines (default: names)\n"
	"      --ai-anonymize         replace hosts, users and IPs by reversible tokens\n"
	"      --ai-dry-run           print the exact (scrubbed) request body, then exit\n"
	"      --window SECS          timeline window kept in memory, 10..3600 (default 300)\n"
	"      --top N                processes listed in the summary (default 10)\n"
	"      --refresh SECS         screen refresh period, 0.1..10 (default 1)\n"
	"      --frames N             draw N frames, then quit (smoke tests)\n"
	"  -v, --verbose              say which attach paths are active; libbpf messages\n"
	"  -h, --help                 this help\n"
	"      --version              print the version\n"
	"\nExit status: 0 ok, 1 runtime error, 2 bad usage.  See perflens(8).\n";

void options_defaults(struct pl_options *o)
{
	memset(o, 0, sizeof(*o));
	o->threshold_ns = 5000000;
	o->block_threshold_ns = UINT64_MAX; /* "same as -t" until set */
	o->kinds_mask = PL_KINDS_ALL;
	o->scrub = true;
	o->ring_bytes = 16u << 20;
	o->stack_depth = 32;
	o->window_s = 300;
	o->eventlog_cap = 50000;
	o->queue_cap = 65536;
	o->top_n = 10;
	o->refresh_ms = 1000;
	strcpy(o->pmu_event, "cycles");
	o->pmu_freq = 99;
	o->runqlat = true;
	o->replay_speed = 1.0;
}

static int bad(const char *opt, const char *val, const char *accepts)
{
	fprintf(stderr, "perflens: invalid %s '%s': expected %s\n", opt, val, accepts);
	return 2;
}

static int parse_kinds(struct pl_options *o, const char *arg)
{
	char buf[128], *save = NULL, *tok;
	uint32_t mask = 0;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k = pl_kind_from_name(tok);

		if (k < 0)
			return -EINVAL;
		mask |= 1u << k;
	}
	if (!mask)
		return -EINVAL;
	o->kinds_mask = mask;
	return 0;
}

static int parse_pids(struct pl_options *o, const char *arg)
{
	const char *p = arg;

	while (*p) {
		char *end;
		long v;

		if (*p < '0' || *p > '9')
			return -EINVAL;
		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || v <= 0 || v > INT_MAX || o->npids >= PL_MAX_PIDS)
			return -EINVAL;
		o->pids[o->npids++] = (uint32_t)v;
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return -EINVAL;
		p = end;
	}
	return o->npids ? 0 : -EINVAL;
}

static int parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	long v;

	if (!*s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < (long)lo || v > (long)hi)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static int parse_attach(const char *s, const char *a, const char *b, enum pl_attach_pref *out)
{
	if (!strcmp(s, "auto"))
		*out = PL_ATTACH_AUTO;
	else if (!strcmp(s, a))
		*out = PL_ATTACH_RAW;
	else if (!strcmp(s, b))
		*out = PL_ATTACH_CLASSIC;
	else
		return -EINVAL;
	return 0;
}

static int parse_one(struct pl_options *o, int c, const char *arg)
{
	uint64_t sz;

	switch (c) {
	case 't':
		return duration_parse_ns(arg, &o->threshold_ns) ? bad("--threshold", arg, "a duration such as 200us, 5ms or 1s") : 0;
	case OPT_BLOCK_THRESHOLD:
		return duration_parse_ns(arg, &o->block_threshold_ns) ? bad("--block-threshold", arg, "a duration such as 0, 200us, 5ms or 1s") : 0;
	case OPT_KINDS:
		return parse_kinds(o, arg) ? bad("--kinds", arg, "a comma list of file,blockdev,pipe,socket,tty,other") : 0;
	case 'p':
		return parse_pids(o, arg) ? bad("--pid", arg, "positive process ids separated by commas (at most 64)") : 0;
	case OPT_FOLLOW: o->follow_children = true; return 0;
	case 'c':
		if (!*arg || strlen(arg) > 15)
			return bad("--comm", arg, "a process name of 1 to 15 bytes");
		strcpy(o->comm, arg);
		return 0;
	case 'd':
		return seconds_parse(arg, &o->duration_s) ? bad("--duration", arg, "a positive number of seconds") : 0;
	case OPT_JSON: o->json = true; return 0;
	case OPT_NO_SCRUB: o->scrub = false; return 0;
	case OPT_TRACE_SELF: o->trace_self = true; return 0;
	case 'v': o->verbose++; return 0;
	case OPT_ATTACH:
		return parse_attach(arg, "raw", "classic", &o->syscall_attach) ? bad("--attach", arg, "auto, raw or classic") : 0;
	case OPT_BLOCK_ATTACH:
		if (!strcmp(arg, "classic")) {
			o->block_attach = PL_ATTACH_LEGACY;
			return 0;
		}
		return parse_attach(arg, "start", "insert", &o->block_attach) ? bad("--block-attach", arg, "auto, start, insert or classic") : 0;
	case OPT_RING:
		if (size_parse_bytes(arg, &sz) || sz < 65536 || sz > (1ull << 30) || (sz & (sz - 1)))
			return bad("--ring-size", arg, "a power of two from 64K to 1G");
		o->ring_bytes = sz;
		return 0;
	case OPT_STACK_DEPTH:
		return parse_uint(arg, 0, PL_MAX_STACK, &o->stack_depth) ? bad("--stack-depth", arg, "a number from 0 to 32") : 0;
	case OPT_BLOCK_STACKS: o->block_stacks = true; return 0;
	case OPT_WINDOW:
		return parse_uint(arg, 10, 3600, &o->window_s) ? bad("--window", arg, "seconds from 10 to 3600") : 0;
	case OPT_OUTPUT:
		if (strcmp(arg, "none") && strcmp(arg, "json"))
			return bad("--output", arg, "none or json");
		o->output_none = !strcmp(arg, "none");
		o->json = true;
		return 0;
	case OPT_PMU:
		if (!pmu_event_known(arg))
			return bad("--pmu", arg, "cycles, instructions, cache-misses, branch-misses, cpu-clock or page-faults");
		snprintf(o->pmu_event, sizeof(o->pmu_event), "%s", arg);
		return 0;
	case OPT_PMU_FREQ:
		return parse_uint(arg, 1, 10000, &o->pmu_freq) ? bad("--pmu-freq", arg, "a rate from 1 to 10000 Hz") : 0;
	case OPT_NO_PMU: o->pmu_event[0] = '\0'; return 0;
	case OPT_COUNTERS:
		if (!strcmp(arg, "auto"))
			o->counters = PL_COUNTERS_AUTO;
		else if (!strcmp(arg, "off"))
			o->counters = PL_COUNTERS_OFF;
		else if (!strcmp(arg, "software"))
			o->counters = PL_COUNTERS_SOFTWARE;
		else
			return bad("--counters", arg, "auto, off or software");
		o->counters_set = true;
		return 0;
	case OPT_NO_COUNTERS:
		o->counters = PL_COUNTERS_OFF;
		o->counters_set = true;
		return 0;
	case OPT_FOLDED:
		if (!*arg || strlen(arg) >= sizeof(o->folded_path))
			return bad("--folded", arg, "a file path shorter than 256 bytes");
		strcpy(o->folded_path, arg);
		return 0;
	case OPT_ALL_OPS: o->all_ops = true; return 0;
	case OPT_NO_RUNQLAT: o->runqlat = false; return 0;
	case OPT_CGROUP:
		if (!*arg || strlen(arg) >= sizeof(o->cgroup_path))
			return bad("--cgroup", arg, "a cgroup v2 path shorter than 256 bytes");
		strcpy(o->cgroup_path, arg);
		return 0;
	case OPT_RECORD:
	case OPT_REPLAY:
	case OPT_CAST: {
		char *dst = c == OPT_RECORD ? o->record_path : c == OPT_REPLAY ? o->replay_path
										: o->cast_path;

		if (!*arg || strlen(arg) >= sizeof(o->record_path))
			return bad(c == OPT_RECORD ? "--record" : c == OPT_REPLAY ? "--replay" : "--cast",
				   arg, "a file path shorter than 256 bytes");
		strcpy(dst, arg);
		return 0;
	}
	case OPT_RECORD_MAX:
		if (size_parse_bytes(arg, &o->record_max) || o->record_max < 65536)
			return bad("--record-max", arg, "a size of at least 64K, such as 512M or 2G");
		return 0;
	case OPT_FROM:
	case OPT_TO: {
		char *dst = c == OPT_FROM ? o->replay_from : o->replay_to;

		/* Checked against the recording once it is open (replay_time.c). */
		if (!*arg || strlen(arg) >= sizeof(o->replay_from))
			return bad(c == OPT_FROM ? "--from" : "--to", arg,
				   "HH:MM:SS or +OFFSET such as +90s");
		strcpy(dst, arg);
		return 0;
	}
	case OPT_SPEED:
		if (seconds_parse(arg, &o->replay_speed) || o->replay_speed < 0.25 || o->replay_speed > 16)
			return bad("--speed", arg, "a factor from 0.25 to 16");
		return 0;
	case OPT_AI_URL:
	case OPT_AI_MODEL:
	case OPT_AI_KEY_FILE: {
		char *dst = c == OPT_AI_URL ? o->ai_url : c == OPT_AI_MODEL ? o->ai_model : o->ai_key_file;
		size_t cap = c == OPT_AI_URL ? sizeof(o->ai_url) : c == OPT_AI_MODEL
			     ? sizeof(o->ai_model) : sizeof(o->ai_key_file);

		if (!*arg || strlen(arg) >= cap)
			return bad(c == OPT_AI_URL ? "--ai-url" : c == OPT_AI_MODEL ? "--ai-model"
						       : "--ai-key-file", arg, "a non-empty, shorter value");
		strcpy(dst, arg);
		return 0;
	}
	case OPT_AI_INTERVAL:
		if (seconds_parse(arg, &o->ai_interval_s) || o->ai_interval_s < 5 ||
		    o->ai_interval_s > 86400)
			return bad("--ai-interval", arg, "seconds from 5 to 86400");
		return 0;
	case OPT_AI_BUDGET:
		return parse_uint(arg, 500, 200000, &o->ai_budget) ? bad("--ai-budget", arg, "tokens from 500 to 200000") : 0;
	case OPT_AI_FULL: o->ai_full_cmdline = true; return 0;
	case OPT_AI_ANON: o->ai_anonymize = true; return 0;
	case OPT_AI_DRY: o->ai_dry_run = true; return 0;
	case OPT_AI_KEY:
		fprintf(stderr, "perflens: --ai-key is refused: a key on the command line is visible to "
			"every user (ps); use PERFLENS_AI_KEY or --ai-key-file\n");
		return 2;
	case OPT_FRAMES:
		return parse_uint(arg, 1, 1000000, &o->frames) ? bad("--frames", arg, "a number of frames from 1 to 1000000") : 0;
	case OPT_REFRESH: {
		double secs;

		if (seconds_parse(arg, &secs) || secs < 0.1 || secs > 10)
			return bad("--refresh", arg, "seconds from 0.1 to 10");
		o->refresh_ms = (unsigned)(secs * 1000);
		return 0;
	}
	case OPT_TOP: {
		unsigned n;

		if (parse_uint(arg, 1, 1000, &n))
			return bad("--top", arg, "a number from 1 to 1000");
		o->top_n = (int)n;
		return 0;
	}
	}
	return 2;
}

int options_parse(struct pl_options *o, int argc, char **argv)
{
	int c, err;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":t:p:c:d:vh", long_opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return 1;
		}
		if (c == OPT_VERSION) {
			printf("perflens %s\n", PERFLENS_VERSION);
			return 1;
		}
		if (c == '?' || c == ':') {
			const char *name = argv[optind - 1] ? argv[optind - 1] : "?";

			fprintf(stderr, "perflens: %s option '%s' (see perflens --help)\n",
				c == ':' ? "missing value for" : "unknown", name);
			return 2;
		}
		err = parse_one(o, c, optarg);
		if (err)
			return err;
	}
	if (optind < argc) {
		fprintf(stderr, "perflens: unexpected argument '%s' (see perflens --help)\n", argv[optind]);
		return 2;
	}
	if (o->follow_children && !o->npids) {
		fprintf(stderr, "perflens: --follow-children needs --pid\n");
		return 2;
	}
	if (o->record_max && !o->record_path[0]) {
		fprintf(stderr, "perflens: --record-max needs --record\n");
		return 2;
	}
	if (o->ai_dry_run && (o->json || o->replay_path[0] || o->record_path[0])) {
		fprintf(stderr, "perflens: --ai-dry-run prints only the request body: it cannot be "
			"combined with --json, --replay or --record\n");
		return 2;
	}
	if (o->cast_path[0] && o->json) {
		fprintf(stderr, "perflens: --cast records the interactive screen: it cannot be "
			"combined with --json\n");
		return 2;
	}
	if ((o->replay_from[0] || o->replay_to[0]) && (!o->replay_path[0] || !o->json)) {
		fprintf(stderr, "perflens: --from and --to slice a replay: they need --replay FILE "
			"--json\n");
		return 2;
	}
	if (o->replay_path[0] && o->record_path[0]) {
		fprintf(stderr, "perflens: --replay and --record cannot be combined\n");
		return 2;
	}
	if (o->block_threshold_ns == UINT64_MAX)
		o->block_threshold_ns = o->threshold_ns;
	/* --no-pmu asks for no PMU use at all; an explicit --counters still wins. */
	if (!o->pmu_event[0] && !o->counters_set)
		o->counters = PL_COUNTERS_OFF;
	return 0;
}
