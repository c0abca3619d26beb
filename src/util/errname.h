/*
 * Names for the errors a syscall returns to the kernel's exit path.  The
 * tracepoints see the kernel-internal restart codes (512-516) that user
 * space never does; strerror() has no text for them.
 */
#ifndef PERFLENS_ERRNAME_H
#define PERFLENS_ERRNAME_H

/* "EIO", "ERESTARTSYS", ...; NULL when unknown. */
const char *errno_name(int e);
/* A short explanation: strerror's text, or what a restart code means. */
const char *errno_text(int e);

#endif
