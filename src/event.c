#include "event.h"

#include <string.h>

static const char *const type_names[PL_EV_ALL_MAX] = {
	[PL_EV_READ] = "read",   [PL_EV_WRITE] = "write", [PL_EV_SYNC] = "sync",
	[PL_EV_BLOCK] = "block", [PL_EV_FORK] = "fork",   [PL_EV_EXEC] = "exec",
	[PL_EV_EXIT] = "exit",   [PL_EV_SAMPLE] = "sample", [PL_EV_OOM] = "oom",
	[PL_EV_INFLIGHT] = "inflight",
	[PL_EV_TICK] = "tick",
};

static const char *const kind_names[PL_KIND_MAX] = {
	[PL_KIND_FILE] = "file", [PL_KIND_BLOCKDEV] = "blockdev", [PL_KIND_PIPE] = "pipe",
	[PL_KIND_SOCKET] = "socket", [PL_KIND_TTY] = "tty", [PL_KIND_OTHER] = "other",
};

static const char *const bop_names[] = {
	[PL_BOP_READ] = "read", [PL_BOP_WRITE] = "write", [PL_BOP_FLUSH] = "flush",
	[PL_BOP_DISCARD] = "discard", [PL_BOP_OTHER] = "other",
};

const char *pl_type_name(unsigned type)
{
	return type < PL_EV_ALL_MAX && type_names[type] ? type_names[type] : "?";
}

const char *pl_kind_name(unsigned kind)
{
	return kind < PL_KIND_MAX ? kind_names[kind] : "other";
}

int pl_kind_from_name(const char *name)
{
	for (int k = 0; k < PL_KIND_MAX; k++)
		if (strcmp(name, kind_names[k]) == 0)
			return k;
	return -1;
}

const char *pl_block_op_name(unsigned op)
{
	return op <= PL_BOP_OTHER ? bop_names[op] : "other";
}

bool pl_kind_is_storage(unsigned kind)
{
	return kind == PL_KIND_FILE || kind == PL_KIND_BLOCKDEV;
}

void pl_exit_status(uint32_t status, int *code, int *sig, bool *core)
{
	*sig = status & 0x7f;
	*core = (status & 0x80) != 0;
	*code = *sig ? -1 : (int)((status >> 8) & 0xff);
}
