// SPDX-License-Identifier: GPL-2.0
/*
 * gai.conf: read, judge (as glibc would), modify, write back. The file is a
 * person's: whatever v6fix was not asked to change must come back as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "gaiconf.h"

static void parse(const char *text, struct v6fix_gaiconf *c)
{
	assert_int_equal(v6fix_gaiconf_parse(text, strlen(text), c), 0);
}

static void assert_text(const struct v6fix_gaiconf *c, const char *want)
{
	char *s = v6fix_gaiconf_format(c);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static struct v6fix_prefix pfx(const char *s)
{
	struct v6fix_prefix p;

	assert_int_equal(v6fix_prefix_parse(s, V6FIX_PREFIX_ALLOW_V4, &p, NULL), 0);
	return p;
}

static uint32_t lookup_prec(const struct v6fix_gai_tables *t, const char *addr)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, addr, &a), 1);
	return v6fix_policy_lookup(t->policy.precedence, t->policy.nprecedence, &a, 0);
}

/* A file much like Debian's, plus things glibc skips. */
static const char debianish[] =
	"# Configuration for getaddrinfo(3).\n"
	"#\n"
	"#label ::1/128       0\n"
	"\n"
	"   reload no   \n"
	"#precedence ::ffff:0:0/96  100\n"
	"scopev4 ::ffff:169.254.0.0/112  2\n"
	"precedence nonsense 3\n"
	"label ::/0\t1 trailing words\n"
	"\tprecedence  2001:db8::/32  7 # mine\n";

static void test_round_trip(void **state)
{
	struct v6fix_gaiconf c;
	const char *texts[] = {
		debianish,
		"",
		"\n",
		"no final newline",
		"precedence ::/0 40\n\n\n",
		"a\r\nb\r\n",	/* CR stays part of the line */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		parse(texts[i], &c);
		assert_text(&c, texts[i]);
		v6fix_gaiconf_free(&c);
	}
}

static void test_classify(void **state)
{
	struct v6fix_gaiconf c;

	(void)state;
	parse(debianish, &c);
	assert_int_equal(c.n, 10);
	assert_int_equal(c.lines[0].kind, V6FIX_GAI_OTHER);	/* comment */
	assert_int_equal(c.lines[2].kind, V6FIX_GAI_OTHER);	/* commented-out label */
	assert_int_equal(c.lines[4].kind, V6FIX_GAI_RELOAD);
	assert_int_equal(c.lines[6].kind, V6FIX_GAI_SCOPEV4);
	assert_true(c.lines[6].valid);
	assert_int_equal(c.lines[6].scope.addr, 0xa9fe0000);
	assert_int_equal(c.lines[6].scope.mask, 0xffff0000);
	assert_int_equal(c.lines[6].scope.scope, 2);
	assert_int_equal(c.lines[7].kind, V6FIX_GAI_PRECEDENCE);
	assert_false(c.lines[7].valid);
	/* glibc reads two words and ignores the rest of the line. */
	assert_int_equal(c.lines[8].kind, V6FIX_GAI_LABEL);
	assert_true(c.lines[8].valid);
	assert_int_equal(c.lines[8].value, 1);
	assert_int_equal(c.lines[9].kind, V6FIX_GAI_PRECEDENCE);
	assert_true(c.lines[9].valid);
	assert_int_equal(c.lines[9].prefix.len, 32);
	assert_int_equal(c.lines[9].value, 7);
	v6fix_gaiconf_free(&c);

	/* glibc's strtoul rules: a missing value reads as 0, overflow and junk do not. */
	parse("precedence ::1/128\n"
	      "precedence ::1/129 5\n"
	      "precedence ::1/128 2147483648\n"
	      "precedence ::1/128 5x\n"
	      "precedence 192.0.2.0/24 5\n"
	      "precedence 2001:db8::1/32 5\n"
	      "scopev4 10.0.0.0/8 5\n"
	      "scopev4 ::ffff:10.0.0.0/95 5\n"
	      "label 2001:db8::1 9\n", &c);
	assert_true(c.lines[0].valid);
	assert_int_equal(c.lines[0].value, 0);
	assert_false(c.lines[1].valid);
	assert_false(c.lines[2].valid);
	assert_false(c.lines[3].valid);
	assert_false(c.lines[4].valid);	/* IPv4 syntax is not a gai.conf prefix */
	assert_true(c.lines[5].valid);	/* bits past the length: glibc ignores them */
	assert_int_equal(c.lines[5].prefix.addr.s6_addr[15], 0);
	assert_true(c.lines[6].valid);
	assert_int_equal(c.lines[6].scope.mask, 0xff000000);
	assert_false(c.lines[7].valid);
	assert_true(c.lines[8].bare);
	v6fix_gaiconf_free(&c);
}

static void test_tables(void **state)
{
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;
	char b[V6FIX_PREFIX_STRLEN];

	(void)state;
	/* No entries: glibc's defaults, IPv6 first. */
	parse(debianish, &c);
	assert_int_equal(v6fix_gaiconf_tables(&c, &t), 0);
	assert_true(t.precedence_from_file);
	/* One precedence line replaces all of glibc's table; ::/0 40 is added. */
	assert_int_equal(t.policy.nprecedence, 2);
	assert_int_equal(lookup_prec(&t, "2001:db8::1"), 7);
	assert_int_equal(lookup_prec(&t, "::ffff:192.0.2.1"), 40);
	assert_int_equal(lookup_prec(&t, "::1"), 40);
	assert_true(t.labels_from_file);
	assert_int_equal(t.policy.nlabels, 1);	/* the file has ::/0 itself */
	assert_true(t.scopes_from_file);
	assert_int_equal(t.policy.nscopes, 2);	/* + 0.0.0.0/0 14 */
	assert_int_equal(t.policy.scopes[1].scope, 14);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);

	parse("# nothing\n", &c);
	assert_int_equal(v6fix_gaiconf_tables(&c, &t), 0);
	assert_false(t.precedence_from_file);
	assert_int_equal(lookup_prec(&t, "::ffff:192.0.2.1"), 10);
	assert_int_equal(lookup_prec(&t, "2001:db8::1"), 40);
	assert_int_equal(lookup_prec(&t, "2002::1"), 30);
	assert_int_equal(lookup_prec(&t, "::1"), 50);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);

	/* Longest prefix first, whatever the order in the file. */
	parse("precedence ::/0 1\nprecedence 2001:db8::/32 2\nprecedence 2001:db8:1::/48 3\n", &c);
	assert_int_equal(v6fix_gaiconf_tables(&c, &t), 0);
	assert_string_equal(v6fix_prefix_str(&t.policy.precedence[0].prefix, b, sizeof(b)),
			    "2001:db8:1::/48");
	assert_int_equal(lookup_prec(&t, "2001:db8:1::1"), 3);
	assert_int_equal(lookup_prec(&t, "2001:db8:2::1"), 2);
	assert_int_equal(lookup_prec(&t, "3000::1"), 1);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
}

static void test_set_on_empty(void **state)
{
	struct v6fix_prefix p = pfx("::ffff:0:0/96");
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;

	(void)state;
	parse("", &c);
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 100), 0);
	assert_text(&c,
		    "# v6fix: written by 'v6fix policy', see v6fix(8); other lines are kept as they are.\n"
		    "# v6fix: glibc's default precedence table: one precedence line replaces all of it, so all of it is here.\n"
		    "precedence ::1/128 50\n"
		    "precedence 2002::/16 30\n"
		    "precedence ::/96 20\n"
		    "precedence ::ffff:0:0/96 100\n"
		    "precedence ::/0 40\n");
	/* Only the asked entry changed. */
	assert_int_equal(v6fix_gaiconf_tables(&c, &t), 0);
	assert_int_equal(lookup_prec(&t, "::ffff:192.0.2.1"), 100);
	assert_int_equal(lookup_prec(&t, "::1"), 50);
	assert_int_equal(lookup_prec(&t, "2002::1"), 30);
	assert_int_equal(lookup_prec(&t, "::2"), 20);
	assert_int_equal(lookup_prec(&t, "2001:db8::1"), 40);
	v6fix_gai_tables_free(&t);

	/* Back to glibc's value: same lines, one value back. */
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 10), 0);
	assert_int_equal(c.n, 7);
	assert_string_equal(c.lines[5].text, "precedence ::ffff:0:0/96 10");

	/* reset: nothing of v6fix's is left, and the file may go. */
	v6fix_gaiconf_reset(&c);
	assert_int_equal(c.n, 0);
	assert_true(v6fix_gaiconf_is_blank(&c));
	v6fix_gaiconf_free(&c);
}

static void test_set_keeps_the_rest(void **state)
{
	struct v6fix_prefix p = pfx("2001:db8::/32"), l = pfx("fd00::/8");
	struct v6fix_gaiconf c;

	(void)state;
	parse(debianish, &c);
	/* An existing entry is rewritten in place; its comment stays. */
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 45), 0);
	/* label: the file has valid label lines, so no defaults are written out. */
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_LABEL, &l, 13), 0);
	assert_text(&c,
		    "# Configuration for getaddrinfo(3).\n"
		    "#\n"
		    "#label ::1/128       0\n"
		    "\n"
		    "   reload no   \n"
		    "#precedence ::ffff:0:0/96  100\n"
		    "scopev4 ::ffff:169.254.0.0/112  2\n"
		    "precedence nonsense 3\n"
		    "label ::/0\t1 trailing words\n"
		    "precedence 2001:db8::/32 45  # mine\n"
		    "label fd00::/8 13\n");

	/* reset keeps everything that is not a label or precedence line. */
	v6fix_gaiconf_reset(&c);
	assert_text(&c,
		    "# Configuration for getaddrinfo(3).\n"
		    "#\n"
		    "#label ::1/128       0\n"
		    "\n"
		    "   reload no   \n"
		    "#precedence ::ffff:0:0/96  100\n"
		    "scopev4 ::ffff:169.254.0.0/112  2\n");
	assert_false(v6fix_gaiconf_is_blank(&c));
	v6fix_gaiconf_free(&c);
}

static void test_set_duplicates(void **state)
{
	struct v6fix_prefix p = pfx("::/0");
	struct v6fix_gaiconf c;

	(void)state;
	/* An equal prefix written differently is the same entry; later copies go. */
	parse("precedence 0::0/0 1\nprecedence ::/0 2\nprecedence ::1/128 50\n", &c);
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 40), 0);
	assert_text(&c, "precedence ::/0 40\nprecedence ::1/128 50\n");
	v6fix_gaiconf_free(&c);

	/* No final newline: the edit adds one. */
	parse("precedence ::1/128 50", &c);
	assert_int_equal(v6fix_gaiconf_set(&c, V6FIX_GAI_PRECEDENCE, &p, 40), 0);
	assert_text(&c, "precedence ::1/128 50\nprecedence ::/0 40\n");
	v6fix_gaiconf_free(&c);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/v6fix-test-gaiconf-XXXXXX";
	struct v6fix_gaiconf c;
	bool exists = true;
	int fd;

	(void)state;
	assert_int_equal(v6fix_gaiconf_read("/nonexistent/v6fix/gai.conf", &c, &exists), 0);
	assert_false(exists);
	assert_int_equal(c.n, 0);
	v6fix_gaiconf_free(&c);

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, debianish, strlen(debianish)), (ssize_t)strlen(debianish));
	close(fd);
	assert_int_equal(v6fix_gaiconf_read(path, &c, &exists), 0);
	unlink(path);
	assert_true(exists);
	assert_text(&c, debianish);
	v6fix_gaiconf_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_set_on_empty),
		cmocka_unit_test(test_set_keeps_the_rest),
		cmocka_unit_test(test_set_duplicates),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests_name("gaiconf", tests, NULL, NULL);
}
