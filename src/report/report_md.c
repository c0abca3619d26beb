#include <stdlib.h>
#include <string.h>

#include "../util/sanitize.h"
#include "report.h"

/* A cell safe for a Markdown table: sanitized, pipes and newlines escaped. */
static void cell(FILE *f, const char *s)
{
	char buf[1024];

	sanitize_display(buf, sizeof(buf), s ? s : "", (size_t)-1);
	for (const char *p = buf; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '`')
			fputc('\'', f);
		else
			fputc(*p, f);
	}
}

static void item(FILE *f, const char *label, const char *value, const char *unit)
{
	fprintf(f, "- %s: ", label);
	cell(f, value);
	fprintf(f, "%s\n", unit);
}

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	return o && json_object_object_get_ex(o, k, &v) && v ? json_object_get_string(v) : "";
}

static json_object *arr(json_object *o, const char *k)
{
	json_object *v;

	return o && json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_array)
		       ? v : NULL;
}

/* One table: a title, column keys and headers, rows from an array of objects. */
static void table(FILE *f, const char *title, json_object *rows, const char *const *keys,
		  const char *const *heads, size_t ncols)
{
	size_t n = rows ? json_object_array_length(rows) : 0;

	fprintf(f, "\n## %s\n\n", title);
	if (!n) {
		fputs("(none)\n", f);
		return;
	}
	for (size_t c = 0; c < ncols; c++)
		fprintf(f, "| %s ", heads[c]);
	fputs("|\n", f);
	for (size_t c = 0; c < ncols; c++)
		fputs("|---", f);
	fputs("|\n", f);
	for (size_t i = 0; i < n; i++) {
		json_object *row = json_object_array_get_idx(rows, i);

		for (size_t c = 0; c < ncols; c++) {
			fputs("| ", f);
			cell(f, str(row, keys[c]));
			fputc(' ', f);
		}
		fputs("|\n", f);
	}
}

static void frames(FILE *f, const char *label, json_object *a)
{
	size_t n = a ? json_object_array_length(a) : 0;

	if (!n)
		return;
	fprintf(f, "  - %s:", label);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? " ← " : " ", f);
		cell(f, json_object_get_string(json_object_array_get_idx(a, i)));
	}
	fputc('\n', f);
}

static void worst(FILE *f, json_object *events)
{
	size_t n = events ? json_object_array_length(events) : 0;

	fputs("\n## Worst events\n\n", f);
	if (!n)
		fputs("(none)\n", f);
	for (size_t i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(events, i);

		fputs("- ", f);
		cell(f, str(e, "type"));
		fputs(" ", f);
		cell(f, str(e, "lat_us"));
		fputs(" us, pid ", f);
		cell(f, str(e, "pid"));
		fputs(" `", f);
		cell(f, str(e, "comm"));
		fputs("` on ", f);
		cell(f, *str(e, "file") ? str(e, "file") : str(e, "dev"));
		fprintf(f, " at +%ss\n", str(e, "ts"));
		frames(f, "user stack", arr(e, "ustack"));
		frames(f, "waited in", arr(e, "waited"));
	}
}

static void histogram(FILE *f, json_object *h)
{
	fputs("\n## Latency histogram\n\n", f);
	json_object_object_foreach(h, type, rows) {
		size_t n = json_object_array_length(rows);

		if (!n)
			continue;
		fprintf(f, "%s:\n\n```\n", type);
		for (size_t i = 0; i < n; i++) {
			json_object *r = json_object_array_get_idx(rows, i);
			long long cnt = atoll(str(r, "count"));
			int bar = cnt > 0 ? 1 : 0;

			for (long long v = cnt; v > 1 && bar < 50; v /= 2)
				bar++;
			fprintf(f, "%10s us  %8lld  %.*s\n", str(r, "ge_us"), cnt, bar,
				"##################################################");
		}
		fputs("```\n", f);
	}
}

void report_markdown(FILE *f, json_object *r)
{
	static const char *const proc_k[] = { "pid", "comm", "count", "total_us" };
	static const char *const proc_h[] = { "pid", "comm", "slow ops", "slow time (us)" };
	static const char *const file_k[] = { "file", "kind", "count", "total_us", "max_us" };
	static const char *const file_h[] = { "file", "kind", "slow ops", "total (us)", "max (us)" };
	static const char *const dev_k[] = { "dev", "count", "bytes", "p50_us", "p99_us", "max_us" };
	static const char *const dev_h[] = { "device", "requests", "bytes", "p50 (us)", "p99 (us)",
					     "max (us)" };
	static const char *const spk_k[] = { "time", "sec", "slow_ops", "slow_ms", "max_us" };
	static const char *const spk_h[] = { "time (UTC)", "second", "slow ops", "slow time (ms)",
					     "max (us)" };
	static const char *const mark_k[] = { "ts", "label" };
	static const char *const mark_h[] = { "at (s)", "label" };
	json_object *counts, *drops, *v;

	fputs("# perflens incident report\n\n", f);
	item(f, "host", str(r, "host"), "");
	item(f, "kernel", str(r, "kernel"), "");
	item(f, "from", str(r, "start"), "");
	item(f, "to", str(r, "end"), "");
	item(f, "duration", str(r, "duration_s"), " s");
	item(f, "recording", str(r, "file"), "");
	item(f, "threshold", str(r, "threshold_us"), " us");
	if (*str(r, "problem"))
		item(f, "**warning**", str(r, "problem"), "");
	fputs("\n## Totals and drops\n\n", f);
	if (json_object_object_get_ex(r, "counts", &counts)) {
		json_object_object_foreach(counts, type, c) {
			if (json_object_object_get_ex(c, "total", &v) && json_object_get_int64(v))
				fprintf(f, "- %s: %lld\n", type, (long long)json_object_get_int64(v));
		}
	}
	if (json_object_object_get_ex(r, "drops", &drops)) {
		fputs("- drops: ", f);
		cell(f, json_object_to_json_string_ext(drops, JSON_C_TO_STRING_PLAIN));
		fputc('\n', f);
	}
	table(f, "Top processes by storage I/O", arr(r, "top_storage"), proc_k, proc_h, 4);
	table(f, "Top waits on pipes, sockets and ttys", arr(r, "top_waits"), proc_k, proc_h, 4);
	table(f, "Top files", arr(r, "top_files"), file_k, file_h, 5);
	table(f, "Devices", arr(r, "devices"), dev_k, dev_h, 6);
	if (json_object_object_get_ex(r, "latency_histogram", &v))
		histogram(f, v);
	worst(f, arr(r, "worst_events"));
	table(f, "Seconds with spikes", arr(r, "spikes"), spk_k, spk_h, 5);
	table(f, "Bookmarks", arr(r, "bookmarks"), mark_k, mark_h, 2);
	fprintf(f, "\n## AI answers\n\n%s\n",
		arr(r, "ai") && json_object_array_length(arr(r, "ai")) ? "" : "(none recorded)");
	for (size_t i = 0; arr(r, "ai") && i < json_object_array_length(arr(r, "ai")); i++) {
		fputs("- ", f);
		cell(f, str(json_object_array_get_idx(arr(r, "ai"), i), "headline"));
		fputs(" (AI suggestion — unverified)\n", f);
	}
}
