/*
 * A small driver for the AI worker, used by tests/ai/test_ai.py: synthetic
 * stores (tests/ai/ai_synth.h), the real config resolution, the real worker
 * thread, and a line protocol on stdin/stdout.
 *
 * Build (test_ai.py does it when the binary is missing or stale; src/ai is
 * compiled in directly so the archive's copy can never be stale):
 *   make .output/libengine.a
 *   cc -std=gnu11 -g -O1 -D_GNU_SOURCE -pthread -Isrc -I. -I.output \
 *      $(pkg-config --cflags libcurl json-c) tests/ai/ai_driver.c src/ai/[a-z]*.c \
 *      .output/libengine.a $(pkg-config --libs libbpf libelf libdw libcurl json-c zlib) \
 *      -lzstd -lm -o .output/tests/ai_driver
 * (AI_DRIVER_ASAN=1: the same with -fsanitize=address,undefined against
 * .output/asan/libengine.a, into .output/tests/ai_driver-asan.)
 *
 * Usage: ai_driver [--url BASE] [--model NAME] [--interval S] [--first S]
 *          [--budget N] [--key-file F] [--full-cmdline] [--anonymize]
 *          [--dry-run] [--plant-key] [--reads N] [--pause S]
 * The key comes from the environment, as in perflens.  Output: one JSON
 * object per line: {"type":"ready"}, every worker emission ({"type":"ai"},
 * {"type":"ai_status"}), and the replies to commands on stdin:
 *   ask            ai_worker_ask_now
 *   view           {"type":"view",...} the published state
 *   evidence ID    {"type":"evidence",...}
 *   feed N         N more slow reads of the workload, 4x slower
 *   quit (or EOF)  stop the worker; {"type":"quit","ms":...}
 * Metadata log lines go to stderr prefixed "log: ".
 */
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ai/ai_config.h"
#include "ai/ai_json.h"
#include "ai/ai_worker.h"
#include "tests/ai/ai_synth.h"

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void print_line(json_object *o)
{
	pthread_mutex_lock(&out_lock);
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), stdout);
	fputc('\n', stdout);
	fflush(stdout);
	pthread_mutex_unlock(&out_lock);
	json_object_put(o);
}

static void on_emit(void *ctx, json_object *line)
{
	print_line(line);
}

static void on_log(void *ctx, const char *line)
{
	fprintf(stderr, "log: %s\n", line);
}

struct args {
	struct ai_cli cli;
	unsigned first_s, reads, pause_s;
	bool plant_key;
};

static int parse(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },      { "model", required_argument, NULL, 'm' },
		{ "interval", required_argument, NULL, 'i' }, { "first", required_argument, NULL, 'f' },
		{ "budget", required_argument, NULL, 'b' },   { "key-file", required_argument, NULL, 'k' },
		{ "full-cmdline", no_argument, NULL, 'c' },   { "anonymize", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'd' },        { "plant-key", no_argument, NULL, 'p' },
		{ "reads", required_argument, NULL, 'r' },    { "pause", required_argument, NULL, 'P' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u': a->cli.url = optarg; break;
		case 'm': a->cli.model = optarg; break;
		case 'i': a->cli.interval_s = atof(optarg); break;
		case 'f': a->first_s = (unsigned)atoi(optarg); break;
		case 'b': a->cli.budget_tokens = (unsigned)atoi(optarg); break;
		case 'k': a->cli.key_file = optarg; break;
		case 'c': a->cli.full_cmdline = true; break;
		case 'a': a->cli.anonymize = true; break;
		case 'd': a->cli.dry_run = true; break;
		case 'p': a->plant_key = true; break;
		case 'r': a->reads = (unsigned)atoi(optarg); break;
		case 'P': a->pause_s = (unsigned)atoi(optarg); break;
		default: return -1;
		}
	}
	return 0;
}

static json_object *str(const char *s)
{
	return json_object_new_string(s);
}

static json_object *finding_json(const struct ai_finding *f)
{
	json_object *o = json_object_new_object(), *ev = json_object_new_array();

	ai_json_add(o, "title", str(f->title));
	ai_json_add(o, "verified", json_object_new_boolean(f->verified));
	for (int i = 0; i < f->nevidence; i++)
		json_object_array_add(ev, str(f->evidence[i]));
	ai_json_add(o, "evidence", ev);
	ai_json_add(o, "explanation", str(f->explanation));
	return o;
}

/* The worker's state, and the latest answer from the store it fills. */
static void print_view(struct ai_worker *w)
{
	struct ai_view *v = malloc(sizeof(*v));
	struct ai_record *r = calloc(1, sizeof(*r));
	struct ai_store_stats st;
	json_object *o = json_object_new_object(), *arr = json_object_new_array();

	if (!v || !r)
		goto out;
	ai_worker_view(w, v);
	ai_store_list(ai_worker_store(w), r, 1);
	ai_store_stats(ai_worker_store(w), &st);
	ai_json_add(o, "type", str("view"));
	ai_json_add(o, "status", str(ai_status_name(v->status)));
	ai_json_add(o, "message", str(v->message));
	ai_json_add(o, "have_answer", json_object_new_boolean(v->have_answer));
	ai_json_add(o, "headline", str(r->answer.headline));
	ai_json_add(o, "severity", str(ai_severity_name(r->answer.severity)));
	for (int i = 0; i < r->answer.nfindings; i++)
		json_object_array_add(arr, finding_json(&r->answer.findings[i]));
	ai_json_add(o, "findings", arr);
	arr = json_object_new_array();
	for (int i = 0; i < r->answer.nsteps; i++)
		json_object_array_add(arr, str(r->answer.steps[i].command));
	ai_json_add(o, "commands", arr);
	ai_json_add(o, "partial_headline", str(v->partial_headline));
	ai_json_add(o, "requests", json_object_new_int64((int64_t)v->requests));
	ai_json_add(o, "failures", json_object_new_int64((int64_t)v->failures));
	ai_json_add(o, "nhistory", json_object_new_int((int)st.count));
	ai_json_add(o, "next_check_s", json_object_new_double(v->next_check_s));
	ai_json_add(o, "prompt_tokens_est", json_object_new_int((int)v->prompt_tokens_est));
	ai_json_add(o, "total_prompt_tokens", json_object_new_int64((int64_t)st.prompt_tokens));
	ai_json_add(o, "format", str(v->format));
	ai_json_add(o, "model", str(v->model));
	print_line(o);
	o = NULL;
out:
	json_object_put(o);
	free(v);
	free(r);
}

static void print_evidence(struct ai_worker *w, const char *id)
{
	struct ai_evidence e;
	json_object *o = json_object_new_object();
	int rc = ai_worker_evidence(w, id, &e);

	ai_json_add(o, "type", str("evidence"));
	ai_json_add(o, "id", str(id));
	ai_json_add(o, "found", json_object_new_boolean(rc == 0));
	if (!rc) {
		ai_json_add(o, "kind", json_object_new_int(e.kind));
		ai_json_add(o, "pid", json_object_new_int64(e.pid));
		ai_json_add(o, "name", str(e.name));
	}
	print_line(o);
}

static void feed(struct engine *e, unsigned n)
{
	struct synth_opts so = { .reads = n, .lat_ns = 50000000 };

	synth_workload(e, &so);
}

static int commands(struct ai_worker *w, struct engine *e)
{
	char line[256];
	uint64_t t0;
	json_object *o;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!strcmp(line, "ask"))
			ai_worker_ask_now(w);
		else if (!strcmp(line, "view"))
			print_view(w);
		else if (!strncmp(line, "evidence ", 9))
			print_evidence(w, line + 9);
		else if (!strncmp(line, "feed ", 5))
			feed(e, (unsigned)atoi(line + 5));
		else if (!strcmp(line, "quit"))
			break;
	}
	t0 = engine_now_ns();
	ai_worker_stop(w);
	o = json_object_new_object();
	ai_json_add(o, "type", str("quit"));
	ai_json_add(o, "ms", json_object_new_double((double)(engine_now_ns() - t0) / 1e6));
	print_line(o);
	return 0;
}

static void ready(const struct ai_config *cfg)
{
	json_object *o = json_object_new_object();

	ai_json_add(o, "type", str("ready"));
	ai_json_add(o, "pid", json_object_new_int(getpid()));
	ai_json_add(o, "enabled", json_object_new_boolean(cfg->enabled));
	ai_json_add(o, "warning", str(cfg->warning));
	ai_json_add(o, "key_source", str(cfg->key_source));
	print_line(o);
}

static int config_error(const char *msg)
{
	json_object *o = json_object_new_object();

	ai_json_add(o, "type", str("config_error"));
	ai_json_add(o, "message", str(msg));
	print_line(o);
	return 2;
}

int main(int argc, char **argv)
{
	struct args a = { 0 };
	struct ai_config cfg;
	struct ai_worker_opts wo = { 0 };
	struct ai_worker *w = NULL;
	struct engine *e = NULL;
	struct synth_opts so = { 0 };
	char err[512];
	int rc = 1;

	signal(SIGPIPE, SIG_IGN);
	if (parse(argc, argv, &a))
		return 2;
	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread, as main must */
	if (ai_config_resolve(&cfg, &a.cli, NULL, err, sizeof(err)))
		return config_error(err);
	e = synth_engine(65536);
	if (!e)
		goto out;
	wo = (struct ai_worker_opts){ .eng = e, .cfg = &cfg, .threshold_ns = 10000000,
				      .block_threshold_ns = 1000000, .pmu = "cycles",
				      .emit = on_emit, .log = on_log, .first_check_s = a.first_s,
				      .pause_s = a.pause_s };
	w = ai_worker_new(&wo);
	if (!a.cli.dry_run)
		ready(&cfg);
	ai_config_wipe(&cfg); /* the worker holds its own copy */
	if (!w)
		goto out;
	engine_add_tap(e, ai_worker_tap(w));
	so = (struct synth_opts){ .self_pid = (uint32_t)getpid(), .reads = a.reads,
				  .key = a.plant_key ? getenv("PERFLENS_AI_KEY") : NULL };
	synth_workload(e, &so);
	if (a.cli.dry_run) {
		rc = ai_worker_dry_run(w, stdout) ? 1 : 0;
		goto out;
	}
	if (ai_worker_start(w))
		goto out;
	rc = commands(w, e);
out:
	ai_worker_free(w);
	engine_free(e);
	curl_global_cleanup();
	return rc;
}
