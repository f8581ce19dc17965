/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gai.conf(5) as glibc reads it, and edited so that a person's file stays
 * theirs: every line is kept as it was (comments, blank lines, "reload",
 * "scopev4", lines glibc ignores) except the label and precedence lines
 * v6fix is asked to change.
 *
 * glibc's rule that shapes the edits: once gai.conf has one valid
 * "precedence" line, the file's precedence lines replace glibc's whole
 * default table (plus ::/0 40 if the file has no /0 entry); the same for
 * "label" (::/0 1) and "scopev4" (0.0.0.0/0 14). So setting one entry in a
 * file that has none first writes out glibc's defaults, and only the asked
 * entry changes.
 */
#ifndef V6FIX_GAICONF_H
#define V6FIX_GAICONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"
#include "rfc6724.h"

enum v6fix_gai_kind {
	V6FIX_GAI_OTHER,	/* blank, comment, unknown command */
	V6FIX_GAI_LABEL,
	V6FIX_GAI_PRECEDENCE,
	V6FIX_GAI_SCOPEV4,
	V6FIX_GAI_RELOAD,
};

struct v6fix_gai_line {
	char *text;		/* the line as in the file, without '\n' */
	enum v6fix_gai_kind kind;
	bool valid;		/* glibc uses this line */
	bool bare;		/* a prefix without /LENGTH: glibc reads it unreliably */
	struct v6fix_prefix prefix;	/* label, precedence (masked) */
	uint32_t value;
	struct v6fix_scope_entry scope;	/* scopev4 */
};

struct v6fix_gaiconf {
	struct v6fix_gai_line *lines;
	size_t n;
	bool final_newline;	/* the last line ended with '\n' (or no lines) */
};

/* Split @text into lines and classify them as glibc would. 0 or -ENOMEM. */
int v6fix_gaiconf_parse(const char *text, size_t len, struct v6fix_gaiconf *c);
/* Read @path; a missing file is an empty config (*@exists false). 0 or -errno. */
int v6fix_gaiconf_read(const char *path, struct v6fix_gaiconf *c, bool *exists);
/* The file's text (malloc'd), or NULL when out of memory. */
char *v6fix_gaiconf_format(const struct v6fix_gaiconf *c);
void v6fix_gaiconf_free(struct v6fix_gaiconf *c);

/* The tables glibc builds from @c (defaults where @c sets none). */
struct v6fix_gai_tables {
	struct v6fix_rfc6724_policy policy;	/* points into the arrays below */
	bool labels_from_file, precedence_from_file, scopes_from_file;
	struct v6fix_policy_entry *labels, *precedence;
	struct v6fix_scope_entry *scopes;
};
int v6fix_gaiconf_tables(const struct v6fix_gaiconf *c, struct v6fix_gai_tables *t);
void v6fix_gai_tables_free(struct v6fix_gai_tables *t);

/*
 * Make "@kind @prefix @value" true (@kind is LABEL or PRECEDENCE): rewrite
 * the first valid line for an equal prefix (keeping its comment), drop later
 * duplicates, or append. Writes out glibc's default table for @kind first
 * when @c has no valid line of that kind. 0 or -ENOMEM.
 */
int v6fix_gaiconf_set(struct v6fix_gaiconf *c, enum v6fix_gai_kind kind,
		      const struct v6fix_prefix *prefix, uint32_t value);

/* Drop every label and precedence line and v6fix's own comments: glibc's defaults again. */
void v6fix_gaiconf_reset(struct v6fix_gaiconf *c);

/* Nothing but blank lines (a file that can be removed). */
bool v6fix_gaiconf_is_blank(const struct v6fix_gaiconf *c);

/* The comments v6fix writes start with this. */
#define V6FIX_GAI_MARK "# v6fix:"

#endif
