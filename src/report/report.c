#include "report.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../engine.h"
#include "../options.h"
#include "../out/json_out.h"
#include "../out/json_sat.h"
#include "../out/json_stacks.h"
#include "../out/json_summary.h"
#include "../query/hot.h"
#include "../query/topfiles.h"
#include "../record/replay.h"
#include "../stack_resolver.h"

#define REPORT_WORST 10

struct sec_stat {
	uint64_t slow, total_ns, max_ns;
};

struct report_ctx {
	struct engine *eng;
	struct topfiles *tf;
	struct pl_event worst[REPORT_WORST];
	int nworst;
	struct sec_stat *secs;   /* per second of the recording */
	size_t nsecs;
};

static uint64_t lat_of(const struct pl_event *ev)
{
	if (ev->type >= PL_EV_READ && ev->type <= PL_EV_SYNC)
		return ev->u.io.lat_ns;
	return ev->type == PL_EV_BLOCK ? ev->u.blk.lat_ns : 0;
}

static void keep_worst(struct report_ctx *c, const struct pl_event *ev)
{
	uint64_t lat = lat_of(ev);
	int i = c->nworst < REPORT_WORST ? c->nworst++ : REPORT_WORST - 1;

	if (i == REPORT_WORST - 1 && c->nworst == REPORT_WORST && lat_of(&c->worst[i]) >= lat)
		return;
	while (i > 0 && lat_of(&c->worst[i - 1]) < lat) {
		c->worst[i] = c->worst[i - 1];
		i--;
	}
	c->worst[i] = *ev;
}

static void count_second(struct report_ctx *c, const struct pl_event *ev)
{
	int64_t sec = engine_sec(c->eng, ev->ts_ns);
	uint64_t lat = lat_of(ev);

	if (sec < 0 || sec > 7 * 86400)
		return;
	if ((size_t)sec >= c->nsecs) {
		size_t n = (size_t)sec + 64;
		struct sec_stat *v = realloc(c->secs, n * sizeof(*v));

		if (!v)
			return;
		memset(v + c->nsecs, 0, (n - c->nsecs) * sizeof(*v));
		c->secs = v;
		c->nsecs = n;
	}
	c->secs[sec].slow++;
	c->secs[sec].total_ns += lat;
	if (lat > c->secs[sec].max_ns)
		c->secs[sec].max_ns = lat;
}

/* The replay's sink: the stores, plus what only a report needs. */
static void on_event(void *ctx, const struct pl_event *ev)
{
	struct report_ctx *c = ctx;

	engine_ingest(c->eng, ev);
	if (!lat_of(ev))
		return;
	topfiles_add(c->tf, ev);
	keep_worst(c, ev);
	count_second(c, ev);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *iso(double wall)
{
	char buf[64];
	time_t t = (time_t)wall;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(buf);
}

static json_object *files_json(struct report_ctx *c, int top)
{
	struct topfile f[64];
	size_t n = topfiles_files(c->tf, PL_KINDS_ALL, f, top < 64 ? (size_t)top : 64);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		add(o, "file", json_out_string(f[i].name));
		add(o, "kind", json_object_new_string(pl_kind_name(f[i].kind)));
		add(o, "count", json_object_new_int64((int64_t)f[i].count));
		add(o, "total_us", json_object_new_int64((int64_t)(f[i].total_ns / 1000)));
		add(o, "max_us", json_object_new_int64((int64_t)(f[i].max_ns / 1000)));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *devices_json(struct report_ctx *c)
{
	struct topdev d[16];
	size_t n = topfiles_devices(c->tf, d, 16);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		add(o, "dev", json_out_string(d[i].name));
		add(o, "count", json_object_new_int64((int64_t)d[i].count));
		add(o, "bytes", json_object_new_int64((int64_t)d[i].bytes));
		add(o, "p50_us", json_object_new_int64((int64_t)(hist_percentile(&d[i].h, 50) / 1000)));
		add(o, "p99_us", json_object_new_int64((int64_t)(hist_percentile(&d[i].h, 99) / 1000)));
		add(o, "max_us", json_object_new_int64((int64_t)(d[i].h.max / 1000)));
		json_object_array_add(a, o);
	}
	return a;
}

/* Power-of-two latency buckets per type: a histogram a ticket can show. */
static json_object *histogram_json(const struct engine *e)
{
	json_object *o = json_object_new_object();

	for (int ty = PL_EV_READ; ty <= PL_EV_BLOCK; ty++) {
		const struct hist *h = &e->tot.lat[ty];
		json_object *a = json_object_new_array();
		uint64_t buckets[64] = { 0 };

		for (size_t i = 0; i < HIST_BUCKETS; i++)
			if (h->b[i])
				buckets[pl_log2(hist_bucket_low(i) / 1000 + 1)] += h->b[i];
		for (int b = 0; b < 64; b++) {
			json_object *row;

			if (!buckets[b])
				continue;
			row = json_object_new_object();
			add(row, "ge_us", json_object_new_int64(b ? (1ll << b) - 1 : 0));
			add(row, "lt_us", json_object_new_int64((1ll << (b + 1)) - 1));
			add(row, "count", json_object_new_int64((int64_t)buckets[b]));
			json_object_array_add(a, row);
		}
		add(o, pl_type_name(ty), a);
	}
	return o;
}

/* Spikes: seconds whose slow time is over 3x the mean of busy seconds (or the
 * busiest seconds when nothing stands out), at most top of them. */
static json_object *spikes_json(struct report_ctx *c, double start_wall, int top)
{
	json_object *a = json_object_new_array();
	double mean = 0;
	size_t busy = 0;

	for (size_t i = 0; i < c->nsecs; i++)
		if (c->secs[i].slow) {
			mean += (double)c->secs[i].total_ns;
			busy++;
		}
	mean = busy ? mean / busy : 0;
	for (int k = 0; k < top; k++) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i < c->nsecs; i++)
			if (c->secs[i].slow && (double)c->secs[i].total_ns > 3 * mean &&
			    (best == SIZE_MAX || c->secs[i].total_ns > c->secs[best].total_ns))
				best = i;
		if (best == SIZE_MAX)
			break;
		json_object *o = json_object_new_object();

		add(o, "sec", json_object_new_int64((int64_t)best));
		add(o, "time", iso(start_wall + (double)best));
		add(o, "slow_ops", json_object_new_int64((int64_t)c->secs[best].slow));
		add(o, "slow_ms", json_object_new_int64((int64_t)(c->secs[best].total_ns / 1000000)));
		add(o, "max_us", json_object_new_int64((int64_t)(c->secs[best].max_ns / 1000)));
		json_object_array_add(a, o);
		c->secs[best].slow = 0; /* taken */
	}
	return a;
}

static json_object *worst_json(struct report_ctx *c, struct stack_resolver *res)
{
	struct json_out_ctx jc = { .origin_ns = c->eng->origin_ns, .frames = json_stack_frames,
				   .frames_ctx = res };
	json_object *a = json_object_new_array();

	for (int i = 0; i < c->nworst; i++)
		json_object_array_add(a, json_out_event(&c->worst[i], &jc));
	return a;
}

static json_object *array_or_empty(json_object *a)
{
	return a ? json_object_get(a) : json_object_new_array();
}

static void copy_key(json_object *dst, json_object *src, const char *k)
{
	json_object *v;

	if (src && json_object_object_get_ex(src, k, &v))
		add(dst, k, json_object_get(v));
}

/* What the recording's header and the replayed stores say, as one object. */
static json_object *assemble(struct report_ctx *c, struct pl_source *src,
			     struct stack_resolver *res, const char *path, int top_n)
{
	const struct replay_info *ri = replay_info(src);
	struct summary_inputs in = { .top_n = top_n, .extra = json_object_new_object() };
	json_object *r = json_object_new_object(), *summary, *ready = NULL;
	double span = ri->last_ts > ri->start_mono_ns ? (ri->last_ts - ri->start_mono_ns) / 1e9 : 0;
	struct hot_table hot;
	bool damaged;
	const char *problem = replay_problem(src, &damaged);

	src->ops->stats(src, &in.src);
	json_sat_summary(c->eng, in.extra, top_n);
	if (!hot_build(c->eng, res, &hot)) {
		in.hot = json_hot(&hot, c->eng, "recorded", top_n, 5);
		hot_free(&hot);
	}
	in.duration_s = span;
	summary = json_summary(c->eng, &in);
	add(r, "type", json_object_new_string("report"));
	add(r, "file", json_out_string(path));
	copy_key(r, ri->header, "host");
	copy_key(r, ri->header, "kernel");
	copy_key(r, ri->header, "version");
	add(r, "start", iso(ri->start_wall));
	add(r, "end", iso(ri->start_wall + span));
	add(r, "duration_s", json_out_fixed(span, 3));
	json_object_object_get_ex(ri->header, "ready", &ready);
	copy_key(r, ready, "threshold_us");
	copy_key(r, ready, "attach");
	add(r, "problem", problem[0] ? json_object_new_string(problem) : NULL);
	add(r, "recorder", json_object_get(replay_end(src)));
	copy_key(r, summary, "counts");
	copy_key(r, summary, "drops");
	copy_key(r, summary, "top_storage");
	copy_key(r, summary, "top_waits");
	copy_key(r, summary, "hot");
	copy_key(r, summary, "cgroups");
	add(r, "top_files", files_json(c, top_n));
	add(r, "devices", devices_json(c));
	add(r, "latency_histogram", histogram_json(c->eng));
	add(r, "worst_events", worst_json(c, res));
	add(r, "spikes", spikes_json(c, ri->start_wall, 5));
	add(r, "bookmarks", array_or_empty(replay_marks(src)));
	add(r, "ai", array_or_empty(replay_ai(src)));
	add(r, "findings", array_or_empty(replay_findings(src)));
	json_object_put(summary);
	return r;
}

json_object *report_build(const char *path, int top_n, char *err, size_t errsz)
{
	struct engine_config cfg = { .window_s = 60, .eventlog_cap = 1024, .proc_cap = 65536,
				     .keep_exited_ns = UINT64_MAX };
	struct report_ctx c = { 0 };
	struct stack_resolver res = { 0 };
	struct pl_source *src = NULL;
	json_object *r = NULL;
	int n;

	c.eng = engine_new(&cfg);
	c.tf = topfiles_new(65536);
	if (!c.eng || !c.tf) {
		snprintf(err, errsz, "out of memory");
		goto out;
	}
	src = replay_source_new(path, (struct pl_sink){ on_event, &c }, c.eng, err, errsz);
	if (!src || stack_resolver_start(&res, c.eng->stacks, NULL))
		goto out;
	do
		n = source_drain(src);
	while (n >= 0);
	r = assemble(&c, src, &res, path, top_n);
	stack_resolver_stop(&res);
out:
	source_free(src);
	topfiles_free(c.tf);
	free(c.secs);
	engine_free(c.eng);
	return r;
}

int report_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "top", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *format = "md";
	char err[300] = "";
	json_object *r;
	int c, top = 10;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:n:h", opts, NULL)) != -1) {
		if (c == 'h') {
			puts("Usage: perflens report FILE [--format md|json] [--top N]");
			return 0;
		}
		if (c == 'f' && (!strcmp(optarg, "md") || !strcmp(optarg, "json"))) {
			format = optarg;
		} else if (c == 'n' && atoi(optarg) > 0 && atoi(optarg) <= 1000) {
			top = atoi(optarg);
		} else {
			fprintf(stderr, "perflens: report: invalid option '%s': expected --format md|json "
				"or --top 1..1000\n", argv[optind - 1]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "perflens: report: expected one recording file "
			"(perflens report FILE [--format md|json])\n");
		return 2;
	}
	r = report_build(argv[optind], top, err, sizeof(err));
	if (!r) {
		fprintf(stderr, "perflens: report: %s: %s\n", argv[optind], err);
		return 1;
	}
	if (!strcmp(format, "json"))
		puts(json_object_to_json_string_ext(r, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		report_markdown(stdout, r);
	json_object_put(r);
	return 0;
}
