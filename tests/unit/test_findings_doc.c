/*
 * docs/findings.md must be exactly what the rule table generates, so the
 * documented thresholds are the ones the code uses.  On a mismatch, the
 * first differing line is printed with the command that regenerates it.
 * Run from the repository root (tests/run does); else set PERFLENS_ROOT.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "findings/findings_doc.h"
#include "findings/rules.h"

static char *read_all(FILE *f, size_t *len)
{
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	do {
		if (n + 4096 > cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void report_first_difference(const char *want, const char *have)
{
	int line = 1;
	const char *w = want, *h = have;

	while (*w && *w == *h) {
		line += *w == '\n';
		w++;
		h++;
	}
	while (w > want && w[-1] != '\n')
		w--, h--;
	print_error("docs/findings.md differs from the rule table at line %d:\n"
		    "  generated: %.*s\n  in file:   %.*s\n"
		    "regenerate: make -B .output/helpers/find_gendoc && .output/helpers/find_gendoc > docs/findings.md\n",
		    line, (int)strcspn(w, "\n"), w, (int)strcspn(h, "\n"), h);
}

static void test_docs_match_the_rule_table(void **state)
{
	const char *root = getenv("PERFLENS_ROOT");
	char path[512], *gen = NULL, *doc;
	size_t gen_len = 0, doc_len;
	bool same;
	FILE *mem = open_memstream(&gen, &gen_len), *f;

	assert_non_null(mem);
	assert_int_equal(findings_doc_markdown(mem), 0);
	fclose(mem);
	snprintf(path, sizeof(path), "%s/docs/findings.md", root ? root : ".");
	f = fopen(path, "r");
	if (!f) {
		free(gen);
		fail_msg("cannot open %s (run from the repository root or set PERFLENS_ROOT)", path);
	}
	doc = read_all(f, &doc_len);
	fclose(f);
	same = doc_len == gen_len && !memcmp(doc, gen, gen_len);
	if (!same)
		report_first_difference(gen, doc);
	free(doc);
	free(gen);
	assert_true(same);
}

static void test_every_rule_is_documented(void **state)
{
	char *gen = NULL;
	size_t gen_len = 0, n;
	FILE *mem = open_memstream(&gen, &gen_len);
	const struct findings_rule *r = findings_rules(&n);
	char head[80];

	assert_int_equal(findings_doc_markdown(mem), 0);
	fclose(mem);
	for (size_t i = 0; i < n; i++) {
		snprintf(head, sizeof(head), "\n### %s\n", r[i].id);
		assert_non_null(strstr(gen, head));
		assert_non_null(strstr(gen, r[i].why));
	}
	free(gen);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_match_the_rule_table),
		cmocka_unit_test(test_every_rule_is_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
