/* Pieces the views share: list keys, the event table, "not available" notes. */
#include "tui_int.h"

#include <stdio.h>
#include <string.h>

#include "../src/query/evscan.h"
#include "../src/util/scrub.h"
#include "text.h"

unsigned list_action(struct list_state *ls, enum action a, int height)
{
	long page = height > 1 ? height - 1 : 1;

	switch (a) {
	case ACT_UP: list_move(ls, -1, height); break;
	case ACT_DOWN: list_move(ls, 1, height); break;
	case ACT_PGUP: list_move(ls, -page, height); break;
	case ACT_PGDN: list_move(ls, page, height); break;
	case ACT_HOME: list_move(ls, -(long)ls->count, height); break;
	case ACT_END: list_move(ls, (long)ls->count, height); break;
	default: return 0;
	}
	return UI_REDRAW | UI_DATA;
}

void draw_missing(struct rect r, const char *what, const char *why)
{
	int y = r.y + (r.h > 6 ? r.h / 3 : 0);

	draw_text(y, r.x + 2, r.w - 4, R_NOTE, what);
	if (why)
		draw_text(y + 1, r.x + 2, r.w - 4, R_DIM, why);
}

static const char *short_kind(unsigned kind)
{
	return kind == PL_KIND_BLOCKDEV ? "blkdev" : pl_kind_name(kind);
}

void event_target(const struct pl_event *ev, char *buf, size_t sz)
{
	switch (ev->type) {
	case PL_EV_READ: case PL_EV_WRITE: case PL_EV_SYNC:
		scrub_copy(buf, sz, ev->u.io.file);
		break;
	case PL_EV_BLOCK:
		snprintf(buf, sz, "%s %s sector %llu", ev->u.blk.devname,
			 pl_block_op_name(ev->u.blk.op), (unsigned long long)ev->u.blk.sector);
		break;
	case PL_EV_FORK:
		snprintf(buf, sz, "child %u", ev->u.fork.child_pid);
		break;
	case PL_EV_EXEC:
		scrub_copy(buf, sz, ev->u.exec.args[0] ? ev->u.exec.args : ev->u.exec.filename);
		break;
	case PL_EV_EXIT: {
		int code, sig;
		bool core;

		pl_exit_status(ev->u.exit.status, &code, &sig, &core);
		if (sig)
			snprintf(buf, sz, "killed by signal %d%s", sig, core ? " (core)" : "");
		else
			snprintf(buf, sz, "exit %d", code);
		break;
	}
	default:
		snprintf(buf, sz, "-");
	}
}

enum { EC_TIME, EC_TYPE, EC_KIND, EC_PID, EC_COMM, EC_CGROUP, EC_LAT, EC_BYTES, EC_FILE, EC_N };

void event_columns(struct column *c, int *n, int width)
{
	static const struct column defs[EC_N] = {
		[EC_TIME] = { "TIME", 12, 9, false, false, 0, 0 },
		[EC_TYPE] = { "TYPE", 5, 8, false, false, 0, 0 },
		[EC_KIND] = { "KIND", 6, 6, false, false, 0, 0 },
		[EC_PID] = { "PID", 7, 8, true, false, 0, 0 },
		[EC_COMM] = { "COMM", 15, 8, false, false, 0, 0 },
		[EC_CGROUP] = { "CGROUP", 8, 2, true, false, 0, 0 },
		[EC_LAT] = { "LATENCY", 8, 9, true, false, 0, 0 },
		[EC_BYTES] = { "BYTES", 6, 4, true, false, 0, 0 },
		[EC_FILE] = { "FILE/DEVICE", 14, 10, false, true, 0, 0 },
	};

	memcpy(c, defs, sizeof(defs));
	*n = EC_N;
	table_layout(c, EC_N, width);
}

static enum role lat_role(uint64_t ns)
{
	if (ns >= 1000000000ull)
		return R_ERROR;
	if (ns >= 100000000ull)
		return R_WARN;
	return R_NORMAL;
}

void event_row(struct tui *t, int y, int x, const struct column *c, const struct pl_event *ev,
	       bool selected)
{
	char buf[PL_FILE_MAX + 64];
	enum role base = selected ? R_SELECTED : R_NORMAL;
	uint64_t lat = pl_event_lat(ev);
	bool io = ev->type >= PL_EV_READ && ev->type <= PL_EV_SYNC;
	int width = c[EC_FILE].x + c[EC_FILE].w;

	if (selected)
		draw_fill(y, x, width, R_SELECTED);
	fmt_clock(buf, sizeof(buf), tui_wall(t, ev->ts_ns), true);
	table_cell(y, x, &c[EC_TIME], base, buf);
	table_cell(y, x, &c[EC_TYPE], selected ? base : theme_type_role(ev->type),
		   pl_type_name(ev->type));
	table_cell(y, x, &c[EC_KIND], selected ? base : R_DIM,
		   io || ev->type == PL_EV_BLOCK ? short_kind(ev->kind) : "");
	snprintf(buf, sizeof(buf), "%u", ev->pid);
	table_cell(y, x, &c[EC_PID], base, buf);
	table_cell(y, x, &c[EC_COMM], base, ev->comm);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)ev->cgroup_id);
	table_cell(y, x, &c[EC_CGROUP], selected ? base : R_DIM, buf);
	buf[0] = '\0';
	if (lat)
		fmt_dur(buf, sizeof(buf), lat);
	table_cell(y, x, &c[EC_LAT], selected ? base : lat_role(lat), buf);
	buf[0] = '\0';
	if (io && ev->u.io.ret > 0)
		fmt_bytes(buf, sizeof(buf), (uint64_t)ev->u.io.ret);
	else if (ev->type == PL_EV_BLOCK)
		fmt_bytes(buf, sizeof(buf), ev->u.blk.bytes);
	else if (io && ev->u.io.ret < 0)
		snprintf(buf, sizeof(buf), "err%lld", (long long)-ev->u.io.ret);
	table_cell(y, x, &c[EC_BYTES], base, buf);
	event_target(ev, buf, sizeof(buf));
	if (c[EC_FILE].w)
		draw_text_left(y, x + c[EC_FILE].x, c[EC_FILE].w, base, buf);
}

bool event_has_text(const struct pl_event *ev, const char *needle)
{
	char buf[PL_FILE_MAX + 64];

	if (strcasestr(ev->comm, needle) || strcasestr(pl_type_name(ev->type), needle))
		return true;
	snprintf(buf, sizeof(buf), "%u", ev->pid);
	if (strcmp(buf, needle) == 0)
		return true;
	event_target(ev, buf, sizeof(buf));
	return strcasestr(buf, needle) != NULL;
}
