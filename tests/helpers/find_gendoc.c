/*
 * Print docs/findings.md, generated from the rule table:
 *   make -B .output/helpers/find_gendoc && .output/helpers/find_gendoc > docs/findings.md
 * (-B: the helper rule does not know that this file includes rules.c)
 * The helper rule builds each helper from its one source file, so the two
 * sources it needs (which depend on nothing else) are included here.
 */
#include <stdio.h>

#include "../../src/findings/rules.c"
#include "../../src/findings/findings_doc.c"

int main(void)
{
	if (findings_doc_markdown(stdout) || fflush(stdout)) {
		perror("find_gendoc");
		return 1;
	}
	return 0;
}
