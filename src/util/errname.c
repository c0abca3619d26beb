#include "errname.h"

#include <stddef.h>
#include <string.h>

/* include/linux/errno.h, from 512 on: never seen by user space, only by tracers. */
static const struct {
	const char *name, *text;
} restart_codes[] = {
	{ "ERESTARTSYS", "interrupted by a signal: restarted, or EINTR for the caller" },
	{ "ERESTARTNOINTR", "interrupted by a signal: restarted" },
	{ "ERESTARTNOHAND", "interrupted by a signal: restarted unless a handler ran" },
	{ "ENOIOCTLCMD", "ioctl not handled: ENOTTY for the caller" },
	{ "ERESTART_RESTARTBLOCK", "interrupted by a signal: restarted through restart_syscall" },
};

static int restart_index(int e)
{
	int i = e - 512;

	return i >= 0 && i < (int)(sizeof(restart_codes) / sizeof(restart_codes[0])) ? i : -1;
}

const char *errno_name(int e)
{
	int i = restart_index(e);

	if (i >= 0)
		return restart_codes[i].name;
	return e > 0 ? strerrorname_np(e) : NULL;
}

const char *errno_text(int e)
{
	int i = restart_index(e);

	return i >= 0 ? restart_codes[i].text : strerror(e);
}
