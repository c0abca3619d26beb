#include "loader.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skel.h"
#include "preflight.h"

static int verbose_level;
static char last_libbpf_msg[256];

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (verbose_level > 1 || (verbose_level && level != LIBBPF_DEBUG))
		return vfprintf(stderr, fmt, ap);
	/* Keep the last warning: it becomes the "why" of a one-line error. */
	if (level == LIBBPF_WARN) {
		vsnprintf(last_libbpf_msg, sizeof(last_libbpf_msg), fmt, ap);
		last_libbpf_msg[strcspn(last_libbpf_msg, "\n")] = '\0';
	}
	return 0;
}

void loader_set_verbose(int verbose)
{
	verbose_level = verbose;
	libbpf_set_print(libbpf_print);
}

/* Enable a group of programs by section prefix, disable the rest of it. */
static void set_autoload_prefix(struct bpf_object *obj, const char *prefix, bool on)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, obj)
		if (!strncmp(bpf_program__section_name(p), prefix, strlen(prefix)))
			bpf_program__set_autoload(p, on);
}

static void set_config(struct perflens_bpf *skel, const struct pl_options *o, bool gd)
{
	struct pl_config *c = (struct pl_config *)&skel->rodata->cfg;

	c->threshold_ns = o->threshold_ns;
	c->block_threshold_ns = o->block_threshold_ns;
	c->self_tgid = o->trace_self ? (uint32_t)-1 : (uint32_t)getpid();
	c->kinds_mask = o->kinds_mask;
	c->filter_pids = o->npids > 0;
	c->follow_children = o->follow_children;
	c->filter_comm = o->comm[0] != '\0';
	memcpy(c->comm_filter, o->comm, sizeof(c->comm_filter));
	c->has_group_dead = gd;
	c->stack_depth = o->stack_depth;
	c->block_stacks = o->block_stacks;
	c->all_ops = o->all_ops;
	c->filter_cgroup = o->cgroup_path[0] != '\0';
	c->cgroup_id = o->cgroup_id;
	c->cgroup_level = (uint32_t)o->cgroup_level;
	c->runqlat = o->runqlat;
}

/* Fallbacks add up: each one is said, separated by "; ". */
static void note_fallback(struct pl_loader *l, const char *what)
{
	size_t n = strlen(l->fallback_note);

	snprintf(l->fallback_note + n, sizeof(l->fallback_note) - n, "%s%s", n ? "; " : "", what);
}

/* tp_btf block programs vs the classic ones (the last fallback). */
static void block_autoload(struct pl_loader *l, bool start, bool insert, bool classic)
{
	bool btf = start || insert;

	bpf_program__set_autoload(l->skel->progs.pl_block_io_start, start);
	bpf_program__set_autoload(l->skel->progs.pl_block_io_done, start);
	bpf_program__set_autoload(l->skel->progs.pl_block_rq_insert, insert);
	bpf_program__set_autoload(l->skel->progs.pl_block_rq_issue, btf);
	bpf_program__set_autoload(l->skel->progs.pl_block_rq_complete, btf);
	bpf_program__set_autoload(l->skel->progs.pl_block_bio_queue,
				  btf && preflight_tp_btf_args("block_bio_queue") >= 0);
	bpf_program__set_autoload(l->skel->progs.pl_tp_block_insert, classic);
	bpf_program__set_autoload(l->skel->progs.pl_tp_block_issue, classic);
	bpf_program__set_autoload(l->skel->progs.pl_tp_block_complete, classic);
}

/*
 * The submitter hook, cheapest first: tp_btf/block_io_start (>= 6.5), else
 * tp_btf/block_rq_insert, else the classic block tracepoints keyed by
 * device and sector.  --block-attach forces one.
 */
static int pick_block_hook(struct pl_loader *l, const struct pl_options *o, char *err,
			   size_t errsz)
{
	bool have_start = preflight_tp_btf_args("block_io_start") >= 0;
	bool have_insert = preflight_tp_btf_args("block_rq_insert") >= 0;
	enum pl_attach_pref want = o->block_attach;

	if (want == PL_ATTACH_AUTO)
		want = have_start ? PL_ATTACH_RAW : have_insert ? PL_ATTACH_CLASSIC : PL_ATTACH_LEGACY;
	if ((want == PL_ATTACH_RAW && !have_start) || (want == PL_ATTACH_CLASSIC && !have_insert)) {
		snprintf(err, errsz, "--block-attach %s: tp_btf/%s is not in this kernel; use "
			 "--block-attach auto", want == PL_ATTACH_RAW ? "start" : "insert",
			 want == PL_ATTACH_RAW ? "block_io_start" : "block_rq_insert");
		return -ENOENT;
	}
	if (want == PL_ATTACH_LEGACY) {
		int e = preflight_tracefs(err, errsz);

		if (e)
			return e;
	}
	block_autoload(l, want == PL_ATTACH_RAW, want == PL_ATTACH_CLASSIC, want == PL_ATTACH_LEGACY);
	l->paths.block = want == PL_ATTACH_RAW ? "tp_btf/block_io_start"
			 : want == PL_ATTACH_CLASSIC ? "tp_btf/block_rq_insert"
						     : "tracepoint/block/block_rq_{insert,issue,complete}";
	if (o->block_attach == PL_ATTACH_AUTO && want != PL_ATTACH_RAW)
		note_fallback(l, want == PL_ATTACH_CLASSIC
				 ? "block_io_start missing (kernel < 6.5): submitter taken at "
				   "block_rq_insert"
				 : "no tp_btf block tracepoints: classic block tracepoints keyed by "
				   "device and sector");
	return 0;
}

/* One attempt: open, set knobs, choose programs, load, fill the pid filter, attach. */
static int try_load(struct pl_loader *l, const struct pl_options *o, bool raw_syscalls,
		    char *err, size_t errsz)
{
	int gd_args = preflight_tp_btf_args("sched_process_exit");
	bool gd = gd_args >= 2;
	int e;

	l->skel = perflens_bpf__open();
	if (!l->skel) {
		snprintf(err, errsz, "cannot open the BPF object: %s", strerror(errno));
		return -errno;
	}
	set_config(l->skel, o, gd);
	bpf_map__set_max_entries(l->skel->maps.rb, (uint32_t)o->ring_bytes);
	set_autoload_prefix(l->skel->obj, "tracepoint/syscalls/", !raw_syscalls);
	bpf_program__set_autoload(l->skel->progs.pl_raw_sys_enter, raw_syscalls);
	bpf_program__set_autoload(l->skel->progs.pl_raw_sys_exit, raw_syscalls);
	bpf_program__set_autoload(l->skel->progs.pl_proc_exit_gd, gd);
	bpf_program__set_autoload(l->skel->progs.pl_proc_exit_live, !gd);
	l->paths.syscalls = raw_syscalls ? "tp_btf/sys_enter+sys_exit"
					 : "tracepoint/syscalls/sys_{enter,exit}_*";
	l->paths.exit = gd ? "group_dead" : "signal_live";
	l->paths.proc = "tp_btf/sched_process_{fork,exec,exit}";
	l->paths.offcpu = o->stack_depth ? "tp_btf/sched_switch" : "off";
	l->paths.pmu = "none";
	((struct pl_config *)&l->skel->rodata->cfg)->pmc = l->pmc.active;
	bpf_map__set_max_entries(l->skel->maps.pmc_fds,
				 (uint32_t)(l->pmc.active ? l->pmc.ncpu * PL_PMC_SLOTS : PL_PMC_SLOTS));
	if (!l->pmc.active) /* hashes are preallocated: 8192 entries would be ~1 MB unused */
		bpf_map__set_max_entries(l->skel->maps.pmc_procs, 1);
	bpf_program__set_autoload(l->skel->progs.pl_sched_switch,
				  o->stack_depth || o->runqlat || l->pmc.active);
	bpf_program__set_autoload(l->skel->progs.pl_sched_wakeup, o->runqlat);
	bpf_program__set_autoload(l->skel->progs.pl_sched_wakeup_new, o->runqlat);
	bpf_program__set_autoload(l->skel->progs.pl_pmu_sample, o->pmu_event[0] != '\0');
	bpf_program__set_autoload(l->skel->progs.pl_oom_mark_victim,
				  preflight_tp_btf_args("mark_victim") >= 1);
	e = pick_block_hook(l, o, err, errsz);
	if (e)
		return e;
	last_libbpf_msg[0] = '\0';
	e = perflens_bpf__load(l->skel);
	if (e) {
		snprintf(err, errsz, "loading the BPF programs failed (%s)%s%s", strerror(-e),
			 last_libbpf_msg[0] ? ": " : "", last_libbpf_msg);
		return e;
	}
	e = pmc_install(&l->pmc, bpf_map__fd(l->skel->maps.pmc_fds), err, errsz);
	if (e) {
		l->pmc_refused = true;
		return e;
	}
	for (int i = 0; i < o->npids; i++) {
		uint8_t one = 1;

		bpf_map__update_elem(l->skel->maps.pid_filter, &o->pids[i], sizeof(o->pids[i]), &one,
				     sizeof(one), BPF_ANY);
	}
	e = perflens_bpf__attach(l->skel);
	if (e) {
		snprintf(err, errsz, "attaching the BPF programs failed (%s)%s%s", strerror(-e),
			 last_libbpf_msg[0] ? ": " : "", last_libbpf_msg);
		return e;
	}
	return 0;
}

/* Sampling is an extra: when it cannot start, say why and go on without it. */
static void start_pmu(struct pl_loader *l, const struct pl_options *o)
{
	char err[200];

	if (!o->pmu_event[0]) {
		l->paths.pmu = "off";
		return;
	}
	if (pmu_open(&l->pmu, l->skel->progs.pl_pmu_sample, o->pmu_event, o->pmu_freq, err,
		     sizeof(err))) {
		snprintf(l->pmu_note, sizeof(l->pmu_note), "PMU sampling off: %s", err);
		l->paths.pmu = "off";
		return;
	}
	l->pmu_on = true;
	l->paths.pmu = l->pmu.path;
	snprintf(l->pmu_note, sizeof(l->pmu_note), "%s", l->pmu.fallback);
}

/*
 * Counters are an extra too: opened before the load, so the kernel side is
 * switched on only when they exist.  If the kernel then refuses them in the
 * map, load again without them and say why.
 */
static int load_with_counters(struct pl_loader *l, const struct pl_options *o, bool raw,
			      char *err, size_t errsz)
{
	int e = try_load(l, o, raw, err, errsz);

	if (e && l->pmc_refused) {
		l->pmc_refused = false;
		pmc_close(&l->pmc);
		snprintf(l->pmc.source, sizeof(l->pmc.source), "unavailable");
		snprintf(l->pmc.note, sizeof(l->pmc.note), "%.190s", err);
		perflens_bpf__destroy(l->skel);
		l->skel = NULL;
		e = try_load(l, o, raw, err, errsz);
	}
	return e;
}

int loader_open(struct pl_loader *l, const struct pl_options *o, char *err, size_t errsz)
{
	bool raw = o->syscall_attach != PL_ATTACH_CLASSIC;
	int e;

	memset(l, 0, sizeof(*l));
	e = preflight_privileges(err, errsz);
	if (!e)
		e = preflight_btf(err, errsz);
	if (e)
		return e;
	if (!raw && (e = preflight_tracefs(err, errsz)))
		return e;
	pmc_open(&l->pmc, o->counters);
	e = load_with_counters(l, o, raw, err, errsz);
	if (e && raw && o->syscall_attach == PL_ATTACH_AUTO) {
		/* tp_btf refused: fall back to the classic per-syscall tracepoints. */
		char why[256];

		snprintf(why, sizeof(why), "%s", err);
		perflens_bpf__destroy(l->skel);
		l->skel = NULL;
		l->fallback_note[0] = '\0';
		e = preflight_tracefs(err, errsz);
		if (!e)
			e = load_with_counters(l, o, false, err, errsz);
		if (!e) {
			char note[256];

			snprintf(note, sizeof(note), "tp_btf/sys_enter refused (%.180s): using classic "
				 "syscall tracepoints", why);
			note_fallback(l, note);
		}
	}
	l->paths.fallbacks = l->fallback_note;
	l->paths.pmu_note = l->pmu_note;
	l->paths.counters = l->pmc.source;
	l->paths.counters_note = l->pmc.note;
	if (!e)
		start_pmu(l, o);
	if (e) {
		perflens_bpf__destroy(l->skel);
		l->skel = NULL;
		pmc_close(&l->pmc);
	}
	return e;
}

void loader_close(struct pl_loader *l)
{
	if (l->pmu_on)
		pmu_close(&l->pmu);
	l->pmu_on = false;
	perflens_bpf__destroy(l->skel);
	pmc_close(&l->pmc);
	l->skel = NULL;
}

int loader_read_stats(const struct pl_loader *l, uint64_t *out)
{
	int ncpu = libbpf_num_possible_cpus();
	uint64_t *vals;

	memset(out, 0, sizeof(uint64_t) * PL_STAT_MAX);
	if (ncpu <= 0)
		return ncpu;
	vals = calloc(ncpu, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t k = 0; k < PL_STAT_MAX; k++) {
		if (bpf_map__lookup_elem(l->skel->maps.stats, &k, sizeof(k), vals,
					 sizeof(uint64_t) * ncpu, 0))
			continue;
		for (int c = 0; c < ncpu; c++)
			out[k] += vals[c];
	}
	free(vals);
	return 0;
}
