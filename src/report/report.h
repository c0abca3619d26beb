/*
 * perflens report FILE [--format md|json] [--top N]: an incident summary of
 * a recording, for a ticket (Markdown) or for tools (JSON).  It replays the
 * file as fast as it can into fresh stores and reads them; no root needed.
 */
#ifndef PERFLENS_REPORT_H
#define PERFLENS_REPORT_H

#include <json-c/json.h>
#include <stdio.h>

/* The subcommand: argv[0] is "report".  Returns the exit status. */
int report_main(int argc, char **argv);
/* Build the report object from a recording.  NULL with a message in err. */
json_object *report_build(const char *path, int top_n, char *err, size_t errsz);
/* Markdown rendering of a report object (every string sanitized). */
void report_markdown(FILE *f, json_object *report);

#endif
