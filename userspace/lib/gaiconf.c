// SPDX-License-Identifier: GPL-2.0
/*
 * Reading, judging and editing gai.conf (see gaiconf.h). The classifier
 * follows glibc's gaiconf_init() token by token, strtoul() and all, so that
 * "valid" here means "glibc uses it".
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gaiconf.h"

/* --- classifying one line ------------------------------------------------------ */
/* glibc's test for a number: strtoul, whole token, no overflow, <= @max. */
static bool glibc_number(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 10);
	if ((v == ULONG_MAX && errno == ERANGE) || *end || v > max)
		return false;
	*out = v;
	return true;
}

static void classify_prefix(struct v6fix_gai_line *l, char *val1, const char *val2)
{
	unsigned long bits = 128, val;
	char *slash = strchr(val1, '/');

	if (slash)
		*slash++ = '\0';
	else
		l->bare = true;
	if (inet_pton(AF_INET6, val1, &l->prefix.addr) != 1 ||
	    (slash && !glibc_number(slash, 128, &bits)) ||
	    !glibc_number(val2, INT_MAX, &val))
		return;
	l->prefix.len = (unsigned int)bits;
	/* glibc compares only the first @bits bits; the rest may be anything. */
	v6fix_prefix_mask(&l->prefix.addr, l->prefix.len);
	l->value = (uint32_t)val;
	l->valid = true;
}

static void classify_scopev4(struct v6fix_gai_line *l, char *val1, const char *val2)
{
	unsigned long bits, val;
	struct in6_addr a6;
	struct in_addr a4;
	char *slash = strchr(val1, '/');
	uint32_t addr;

	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET6, val1, &a6) == 1) {
		bits = 128;
		if (!IN6_IS_ADDR_V4MAPPED(&a6) || (slash && !glibc_number(slash, 128, &bits)) ||
		    bits < 96 || !glibc_number(val2, INT_MAX, &val))
			return;
		memcpy(&a4, &a6.s6_addr[12], 4);
	} else if (inet_pton(AF_INET, val1, &a4) == 1) {
		bits = 32;
		if ((slash && !glibc_number(slash, 32, &bits)) || !glibc_number(val2, INT_MAX, &val))
			return;
		bits += 96;
	} else {
		return;
	}
	addr = ntohl(a4.s_addr);
	l->scope.mask = bits != 96 ? 0xffffffffu << (128 - bits) : 0;
	l->scope.addr = addr & l->scope.mask;
	l->scope.scope = (uint32_t)val;
	l->valid = true;
}

static int classify(struct v6fix_gai_line *l)
{
	char *buf, *cp, *cmd, *val1, *val2, *hash;

	l->kind = V6FIX_GAI_OTHER;
	l->valid = l->bare = false;
	buf = strdup(l->text);
	if (!buf)
		return -ENOMEM;
	hash = strchr(buf, '#');
	if (hash)
		*hash = '\0';
	/* cmd, val1, val2: whitespace-separated, the rest ignored (as glibc). */
	cp = buf;
	while (isspace((unsigned char)*cp))
		cp++;
	cmd = cp;
	while (*cp && !isspace((unsigned char)*cp))
		cp++;
	if (*cp)
		*cp++ = '\0';
	while (isspace((unsigned char)*cp))
		cp++;
	val1 = cp;
	while (*cp && !isspace((unsigned char)*cp))
		cp++;
	if (*cp)
		*cp++ = '\0';
	while (isspace((unsigned char)*cp))
		cp++;
	val2 = cp;
	while (*cp && !isspace((unsigned char)*cp))
		cp++;
	*cp = '\0';

	if (!strcmp(cmd, "label")) {
		l->kind = V6FIX_GAI_LABEL;
		classify_prefix(l, val1, val2);
	} else if (!strcmp(cmd, "precedence")) {
		l->kind = V6FIX_GAI_PRECEDENCE;
		classify_prefix(l, val1, val2);
	} else if (!strcmp(cmd, "scopev4")) {
		l->kind = V6FIX_GAI_SCOPEV4;
		classify_scopev4(l, val1, val2);
	} else if (!strcmp(cmd, "reload")) {
		l->kind = V6FIX_GAI_RELOAD;
		l->valid = true;
	}
	free(buf);
	return 0;
}

/* --- the file ---------------------------------------------------------------------- */
static int add_line(struct v6fix_gaiconf *c, size_t at, const char *text, size_t len)
{
	struct v6fix_gai_line *lines, l = { 0 };

	l.text = strndup(text, len);
	if (!l.text || classify(&l)) {
		free(l.text);
		return -ENOMEM;
	}
	lines = realloc(c->lines, (c->n + 1) * sizeof(*lines));
	if (!lines) {
		free(l.text);
		return -ENOMEM;
	}
	c->lines = lines;
	memmove(&lines[at + 1], &lines[at], (c->n - at) * sizeof(*lines));
	lines[at] = l;
	c->n++;
	return 0;
}

static void drop_line(struct v6fix_gaiconf *c, size_t at)
{
	free(c->lines[at].text);
	memmove(&c->lines[at], &c->lines[at + 1], (c->n - at - 1) * sizeof(c->lines[0]));
	c->n--;
}

int v6fix_gaiconf_parse(const char *text, size_t len, struct v6fix_gaiconf *c)
{
	const char *p = text, *end = text + len;

	memset(c, 0, sizeof(*c));
	c->final_newline = true;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (add_line(c, c->n, p, n)) {
			v6fix_gaiconf_free(c);
			return -ENOMEM;
		}
		if (!nl) {
			c->final_newline = false;
			break;
		}
		p = nl + 1;
	}
	return 0;
}

int v6fix_gaiconf_read(const char *path, struct v6fix_gaiconf *c, bool *exists)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int err;

	memset(c, 0, sizeof(*c));
	c->final_newline = true;
	*exists = false;
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	*exists = true;
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *t = realloc(text, cap + 8192);

			if (!t) {
				free(text);
				fclose(f);
				return -ENOMEM;
			}
			text = t;
			cap += 8192;
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	err = ferror(f) ? -EIO : 0;
	fclose(f);
	if (!err)
		err = v6fix_gaiconf_parse(text ? text : "", len, c);
	free(text);
	return err;
}

char *v6fix_gaiconf_format(const struct v6fix_gaiconf *c)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < c->n; i++)
		len += strlen(c->lines[i].text) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		size_t n = strlen(c->lines[i].text);

		memcpy(p, c->lines[i].text, n);
		p += n;
		if (i + 1 < c->n || c->final_newline)
			*p++ = '\n';
	}
	*p = '\0';
	return s;
}

void v6fix_gaiconf_free(struct v6fix_gaiconf *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->lines[i].text);
	free(c->lines);
	memset(c, 0, sizeof(*c));
}

/* --- the tables glibc builds ----------------------------------------------------------- */
/* Stable, longest first: glibc's qsort is a merge sort for arrays this small. */
static void sort_entries(struct v6fix_policy_entry *e, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct v6fix_policy_entry x = e[i];
		size_t j = i;

		for (; j > 0 && e[j - 1].prefix.len < x.prefix.len; j--)
			e[j] = e[j - 1];
		e[j] = x;
	}
}

static int prefix_table(const struct v6fix_gaiconf *c, enum v6fix_gai_kind kind,
			uint32_t null_value, struct v6fix_policy_entry **out, size_t *n)
{
	struct v6fix_policy_entry *e;
	bool has_null = false;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->lines[i].kind == kind && c->lines[i].valid)
			k++;
	if (!k)
		return 0;
	e = calloc(k + 1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	k = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct v6fix_gai_line *l = &c->lines[i];

		if (l->kind != kind || !l->valid)
			continue;
		e[k].prefix = l->prefix;
		e[k++].value = l->value;
		has_null |= l->prefix.len == 0;
	}
	if (!has_null)
		e[k++].value = null_value;	/* ::/0, zeroed by calloc */
	sort_entries(e, k);
	*out = e;
	*n = k;
	return 0;
}

int v6fix_gaiconf_tables(const struct v6fix_gaiconf *c, struct v6fix_gai_tables *t)
{
	size_t nl, np, ns = 0;
	bool has_null = false;

	memset(t, 0, sizeof(*t));
	t->policy = v6fix_glibc_policy;
	if (prefix_table(c, V6FIX_GAI_LABEL, 1, &t->labels, &nl) ||
	    prefix_table(c, V6FIX_GAI_PRECEDENCE, 40, &t->precedence, &np))
		goto nomem;
	if (t->labels) {
		t->policy.labels = t->labels;
		t->policy.nlabels = nl;
		t->labels_from_file = true;
	}
	if (t->precedence) {
		t->policy.precedence = t->precedence;
		t->policy.nprecedence = np;
		t->precedence_from_file = true;
	}

	for (size_t i = 0; i < c->n; i++)
		if (c->lines[i].kind == V6FIX_GAI_SCOPEV4 && c->lines[i].valid)
			ns++;
	if (ns) {
		t->scopes = calloc(ns + 1, sizeof(*t->scopes));
		if (!t->scopes)
			goto nomem;
		ns = 0;
		for (size_t i = 0; i < c->n; i++) {
			const struct v6fix_gai_line *l = &c->lines[i];

			if (l->kind != V6FIX_GAI_SCOPEV4 || !l->valid)
				continue;
			t->scopes[ns++] = l->scope;
			has_null |= l->scope.mask == 0;
		}
		if (!has_null)
			t->scopes[ns++] = (struct v6fix_scope_entry){ 0, 0, 14 };
		/* Longest mask first, stable. */
		for (size_t i = 1; i < ns; i++) {
			struct v6fix_scope_entry x = t->scopes[i];
			size_t j = i;

			for (; j > 0 && t->scopes[j - 1].mask < x.mask; j--)
				t->scopes[j] = t->scopes[j - 1];
			t->scopes[j] = x;
		}
		t->policy.scopes = t->scopes;
		t->policy.nscopes = ns;
		t->scopes_from_file = true;
	}
	return 0;
nomem:
	v6fix_gai_tables_free(t);
	return -ENOMEM;
}

void v6fix_gai_tables_free(struct v6fix_gai_tables *t)
{
	free(t->labels);
	free(t->precedence);
	free(t->scopes);
	memset(t, 0, sizeof(*t));
}

/* --- edits ------------------------------------------------------------------------------ */
static const char *kind_word(enum v6fix_gai_kind kind)
{
	return kind == V6FIX_GAI_LABEL ? "label" : "precedence";
}

/* "precedence ::ffff:0:0/96 100", plus @comment ("# ...") if any. */
static int entry_text(enum v6fix_gai_kind kind, const struct v6fix_prefix *p, uint32_t value,
		      const char *comment, char **out)
{
	char pbuf[V6FIX_PREFIX_STRLEN];

	v6fix_prefix_str(p, pbuf, sizeof(pbuf));
	if (asprintf(out, "%s %s %u%s%s", kind_word(kind), pbuf, value,
		     comment ? "  " : "", comment ? comment : "") < 0)
		return -ENOMEM;
	return 0;
}

static int append_text(struct v6fix_gaiconf *c, const char *text)
{
	return add_line(c, c->n, text, strlen(text));
}

int v6fix_gaiconf_set(struct v6fix_gaiconf *c, enum v6fix_gai_kind kind,
		      const struct v6fix_prefix *prefix, uint32_t value)
{
	struct v6fix_prefix want = *prefix;
	bool have_kind = false, done = false;
	char *text;
	int err;

	v6fix_prefix_mask(&want.addr, want.len);
	c->final_newline = true;
	if (c->n == 0 &&
	    append_text(c, V6FIX_GAI_MARK " written by 'v6fix policy', see v6fix(8); "
			"other lines are kept as they are."))
		return -ENOMEM;

	for (size_t i = 0; i < c->n; i++)
		have_kind |= c->lines[i].kind == kind && c->lines[i].valid;
	if (!have_kind) {
		const struct v6fix_policy_entry *d =
			kind == V6FIX_GAI_LABEL ? v6fix_glibc_labels : v6fix_glibc_precedence;
		size_t nd = kind == V6FIX_GAI_LABEL ? v6fix_glibc_nlabels : v6fix_glibc_nprecedence;
		char head[160];

		snprintf(head, sizeof(head), V6FIX_GAI_MARK " glibc's default %s table: one %s line "
			 "replaces all of it, so all of it is here.", kind_word(kind), kind_word(kind));
		if (append_text(c, head))
			return -ENOMEM;
		for (size_t i = 0; i < nd; i++) {
			if (entry_text(kind, &d[i].prefix, d[i].value, NULL, &text))
				return -ENOMEM;
			err = append_text(c, text);
			free(text);
			if (err)
				return err;
		}
	}

	for (size_t i = 0; i < c->n; i++) {
		struct v6fix_gai_line *l = &c->lines[i];
		const char *hash;

		if (l->kind != kind || !l->valid || !v6fix_prefix_equal(&l->prefix, &want))
			continue;
		if (done) {	/* a later duplicate would only confuse the reader */
			drop_line(c, i--);
			continue;
		}
		hash = strchr(l->text, '#');
		if (entry_text(kind, &want, value, hash, &text))
			return -ENOMEM;
		free(l->text);
		l->text = text;
		if (classify(l))
			return -ENOMEM;
		done = true;
	}
	if (done)
		return 0;
	if (entry_text(kind, &want, value, NULL, &text))
		return -ENOMEM;
	err = append_text(c, text);
	free(text);
	return err;
}

void v6fix_gaiconf_reset(struct v6fix_gaiconf *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct v6fix_gai_line *l = &c->lines[i];

		if (l->kind == V6FIX_GAI_LABEL || l->kind == V6FIX_GAI_PRECEDENCE ||
		    !strncmp(l->text, V6FIX_GAI_MARK, strlen(V6FIX_GAI_MARK)))
			drop_line(c, i--);
	}
}

bool v6fix_gaiconf_is_blank(const struct v6fix_gaiconf *c)
{
	for (size_t i = 0; i < c->n; i++)
		for (const char *p = c->lines[i].text; *p; p++)
			if (!isspace((unsigned char)*p))
				return false;
	return true;
}
