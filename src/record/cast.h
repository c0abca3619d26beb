/*
 * --cast FILE: an asciicast v2 screen recording of the TUI.  The UI thread
 * hands over the bytes it writes to the terminal, resizes and markers; a
 * writer thread turns them into JSON lines (json-c), so no disk I/O happens
 * on the UI thread.  Output events never split a UTF-8 character: an
 * incomplete tail waits for the next chunk.  The queue is bounded; what does
 * not fit is counted (cast_dropped), never silently lost.
 */
#ifndef PERFLENS_CAST_H
#define PERFLENS_CAST_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cast_item;

struct cast {
	int fd;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct cast_item *head, *tail;
	size_t queued_bytes;
	uint64_t dropped_bytes;
	uint64_t start_ns;        /* monotonic: t = 0 */
	char pending[4];          /* an incomplete UTF-8 sequence held back */
	size_t npending;
	bool closed, running;
	int error;
	uint64_t markers, resizes;
};

/*
 * Create path (mode 0600) and write the header: version 2, width, height,
 * timestamp (the data start time, so screen and data line up) and env.TERM.
 * 0, or -errno with one line in err.
 */
int cast_open(struct cast *c, const char *path, int width, int height, double timestamp,
	      const char *term, char *err, size_t errsz);
/* Bytes written to the terminal ("o" events). */
void cast_output(struct cast *c, const char *data, size_t len);
/* The terminal was resized ("r" events, "COLSxROWS"). */
void cast_resize(struct cast *c, int cols, int rows);
/* A bookmark ("m" events) with an optional label. */
void cast_marker(struct cast *c, const char *label);
/* Write what is queued and close. */
void cast_close(struct cast *c);
uint64_t cast_dropped(struct cast *c);

#endif
