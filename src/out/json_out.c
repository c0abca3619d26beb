#include "json_out.h"

#include <errno.h>
#include <string.h>

#include "../util/errname.h"
#include "../util/sanitize.h"
#include "../util/scrub.h"

json_object *json_out_string(const char *raw)
{
	char clean[PL_FILE_MAX * 4];

	sanitize_utf8(clean, sizeof(clean), raw, (size_t)-1);
	scrub_inplace(clean);
	return json_object_new_string(clean);
}

json_object *json_out_symbol(const char *raw)
{
	char clean[PL_FILE_MAX * 4];

	sanitize_utf8(clean, sizeof(clean), raw, (size_t)-1);
	return json_object_new_string(clean);
}

json_object *json_out_fixed(double v, int decimals)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *us(uint64_t ns)
{
	return json_object_new_int64((int64_t)(ns / 1000));
}

static void add_stack(json_object *o, const char *k, uint32_t id, const struct json_out_ctx *ctx)
{
	json_object *arr;

	if (!ctx->frames)
		return;
	arr = json_object_new_array();
	if (id)
		ctx->frames(ctx->frames_ctx, id, arr);
	add(o, k, arr);
}

static void add_io(json_object *o, const struct pl_event *ev, const struct json_out_ctx *ctx)
{
	const struct pl_io_info *io = &ev->u.io;

	add(o, "lat_us", us(io->lat_ns));
	add(o, "bytes", json_object_new_int64(io->ret > 0 ? io->ret : 0));
	add(o, "req_bytes", json_object_new_int64((int64_t)io->req_bytes));
	if (io->ret < 0) {
		const char *name = errno_name((int)-io->ret);

		add(o, "errno", json_object_new_int64(-io->ret));
		if (name)
			add(o, "errno_name", json_object_new_string(name));
	}
	add(o, "kind", json_object_new_string(pl_kind_name(ev->kind)));
	add(o, "file", json_out_string(io->file));
	add(o, "fd", json_object_new_int(io->fd));
	add(o, "dev", json_object_new_int64(io->dev));
	add(o, "ino", json_object_new_int64((int64_t)io->ino));
	add(o, "blocked_us", us(io->blocked_ns));
	add(o, "runq_us", us(io->runq_ns));
	add_stack(o, "ustack", io->ustack_id, ctx);
	add_stack(o, "waited", io->wstack_id, ctx);
}

static void add_block(json_object *o, const struct pl_event *ev, const struct json_out_ctx *ctx)
{
	const struct pl_block_info *b = &ev->u.blk;

	add(o, "dev", json_out_string(b->devname));
	add(o, "sector", json_object_new_int64((int64_t)b->sector));
	add(o, "bytes", json_object_new_int64(b->bytes));
	add(o, "op", json_object_new_string(pl_block_op_name(b->op)));
	bool done = !(b->flags & PL_BLF_NO_COMPLETION);

	/* A completion perflens never saw has no latency: null, not 0. */
	add(o, "lat_us", done ? us(b->lat_ns) : NULL);
	add(o, "queue_us", us(b->queue_ns));
	add(o, "service_us", done && b->issue_ns ? us(b->lat_ns - b->queue_ns) : NULL);
	add(o, "issuer_pid", json_object_new_int64(b->issuer_pid));
	add(o, "issued_by_other_task", json_object_new_boolean(b->flags & PL_BLF_OTHER_ISSUER));
	add(o, "writeback", json_object_new_boolean(b->flags & PL_BLF_KTHREAD));
	add(o, "shared", json_object_new_boolean(b->flags & PL_BLF_SHARED));
	add(o, "completion_seen", json_object_new_boolean(done));
	if (b->error)
		add(o, "error", json_object_new_int(b->error));
	if (b->ustack_id || b->kstack_id) {
		add_stack(o, "ustack", b->ustack_id, ctx);
		add_stack(o, "kstack", b->kstack_id, ctx);
	}
}

static void add_exit(json_object *o, const struct pl_event *ev)
{
	int code, sig;
	bool core;

	pl_exit_status(ev->u.exit.status, &code, &sig, &core);
	add(o, "code", code < 0 ? NULL : json_object_new_int(code));
	add(o, "signal", json_object_new_int(sig));
	add(o, "core", json_object_new_boolean(core));
	add(o, "ppid", json_object_new_int64(ev->u.exit.ppid));
	add(o, "lifetime_s", json_out_fixed(ev->u.exit.lifetime_ns / 1e9, 6));
}

static void add_inflight(json_object *o, const struct pl_event *ev)
{
	const struct pl_io_info *io = &ev->u.io;

	add(o, "state", json_object_new_string(io->flags & PL_INFLIGHT_CLOSED ? "closed" : "open"));
	add(o, "op", json_object_new_string(pl_type_name(io->syscall_nr)));
	add(o, "age_us", us(io->lat_ns));
	add(o, "kind", json_object_new_string(pl_kind_name(ev->kind)));
	add(o, "file", json_out_string(io->file));
	add(o, "fd", json_object_new_int(io->fd));
}

static void add_ids(json_object *o, const struct pl_event *ev, const struct json_out_ctx *ctx)
{
	const char *cg;
	uint32_t ns;

	if (!ctx->ids || ev->type == PL_EV_INFLIGHT)
		return;
	cg = idnames_cgroup(ctx->ids, ev->cgroup_id);
	if (cg)
		add(o, "cgroup", json_out_string(cg));
	ns = idnames_nspid(ctx->ids, ev->pid);
	if (ns)
		add(o, "nspid", json_object_new_int64(ns));
}

json_object *json_out_event(const struct pl_event *ev, const struct json_out_ctx *ctx)
{
	json_object *o;

	if (ev->type == PL_EV_TICK)
		return ctx->tick ? ctx->tick(ctx->tick_ctx, ev->u.tick.sec) : NULL;
	o = json_object_new_object();

	add(o, "type", json_object_new_string(pl_type_name(ev->type)));
	add(o, "ts", json_out_fixed(((double)ev->ts_ns - (double)ctx->origin_ns) / 1e9, 6));
	add(o, "pid", json_object_new_int64(ev->pid));
	add(o, "tid", json_object_new_int64(ev->tid));
	add(o, "comm", json_out_string(ev->comm));
	add(o, "cgroup_id", json_object_new_int64((int64_t)ev->cgroup_id));
	add_ids(o, ev, ctx);
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		add_io(o, ev, ctx);
		break;
	case PL_EV_BLOCK:
		add_block(o, ev, ctx);
		break;
	case PL_EV_FORK:
		add(o, "child", json_object_new_int64(ev->u.fork.child_pid));
		break;
	case PL_EV_EXEC:
		add(o, "filename", json_out_string(ev->u.exec.filename));
		add(o, "argv", json_out_string(ev->u.exec.args));
		add(o, "ppid", json_object_new_int64(ev->u.exec.ppid));
		break;
	case PL_EV_EXIT:
		add_exit(o, ev);
		break;
	case PL_EV_INFLIGHT:
		add_inflight(o, ev);
		break;
	case PL_EV_OOM:
		add(o, "total_vm_kb", json_object_new_int64((int64_t)ev->u.oom.total_vm_pages * 4));
		add(o, "uid", json_object_new_int64(ev->u.oom.uid));
		add(o, "oom_score_adj", json_object_new_int(ev->u.oom.oom_score_adj));
		add(o, "killer_pid", json_object_new_int64(ev->u.oom.killer_pid));
		break;
	}
	return o;
}

int json_out_print(FILE *f, json_object *obj)
{
	if (!obj)
		return 0;
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
							     JSON_C_TO_STRING_NOSLASHESCAPE);
	int r = fprintf(f, "%s\n", s) < 0 ? -EIO : 0;

	json_object_put(obj);
	return r;
}
