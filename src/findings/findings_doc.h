/*
 * docs/findings.md, generated from the rule table so the documentation and
 * the code cannot disagree.  Depends only on rules.c, so a standalone tool
 * (tests/helpers/find_gendoc.c) prints it and a unit test compares it with
 * the file in the tree.
 */
#ifndef PERFLENS_FINDINGS_DOC_H
#define PERFLENS_FINDINGS_DOC_H

#include <stdio.h>

/* Write the whole document.  0, or -EIO on a write error. */
int findings_doc_markdown(FILE *out);

#endif
