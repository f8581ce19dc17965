// SPDX-License-Identifier: GPL-2.0
/* Prefix and value parsing: what is accepted, and how the rest is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "prefix.h"

static void assert_prefix(const char *in, unsigned int flags, const char *want)
{
	char buf[V6FIX_PREFIX_STRLEN];
	struct v6fix_prefix p;
	const char *why = "unset";

	if (v6fix_prefix_parse(in, flags, &p, &why))
		fail_msg("\"%s\" refused: %s", in, why);
	assert_null(why);
	assert_string_equal(v6fix_prefix_str(&p, buf, sizeof(buf)), want);
}

static void assert_bad_prefix(const char *in, unsigned int flags, const char *why_part)
{
	struct v6fix_prefix p;
	const char *why = NULL;

	if (!v6fix_prefix_parse(in, flags, &p, &why))
		fail_msg("\"%s\" accepted", in ? in : "(null)");
	assert_non_null(why);
	if (!strstr(why, why_part))
		fail_msg("\"%s\": reason \"%s\" lacks \"%s\"", in ? in : "(null)", why, why_part);
}

static void test_prefix_valid(void **state)
{
	(void)state;
	assert_prefix("2001:db8::/32", 0, "2001:db8::/32");
	assert_prefix("::/0", 0, "::/0");
	assert_prefix("::1/128", 0, "::1/128");
	assert_prefix("fc00::/7", 0, "fc00::/7");
	assert_prefix("2001:0DB8:0000::/48", 0, "2001:db8::/48");
	assert_prefix("::ffff:0:0/96", 0, "::ffff:0:0/96");
	assert_prefix("::ffff:0.0.0.0/96", 0, "::ffff:0:0/96");
	assert_prefix("::ffff:192.0.2.0/120", 0, "::ffff:192.0.2.0/120");
	assert_prefix("2001:db8::1", V6FIX_PREFIX_ALLOW_BARE, "2001:db8::1/128");
	assert_prefix("198.51.100.0/24", V6FIX_PREFIX_ALLOW_V4, "::ffff:198.51.100.0/120");
	assert_prefix("0.0.0.0/0", V6FIX_PREFIX_ALLOW_V4, "::ffff:0:0/96");
	assert_prefix("192.0.2.1", V6FIX_PREFIX_ALLOW_V4 | V6FIX_PREFIX_ALLOW_BARE,
		      "::ffff:192.0.2.1/128");
	assert_prefix("2001:db8::/032", 0, "2001:db8::/32");
}

static void test_prefix_invalid(void **state)
{
	(void)state;
	assert_bad_prefix(NULL, 0, "empty");
	assert_bad_prefix("", 0, "empty");
	assert_bad_prefix("2001:db8::", 0, "missing /LENGTH");
	assert_bad_prefix("2001:db8::/", 0, "0-128");
	assert_bad_prefix("2001:db8::/129", 0, "0-128");
	assert_bad_prefix("2001:db8::/-1", 0, "0-128");
	assert_bad_prefix("2001:db8::/+3", 0, "0-128");
	assert_bad_prefix("2001:db8::/ 3", 0, "0-128");
	assert_bad_prefix("2001:db8::/3x", 0, "0-128");
	assert_bad_prefix("2001:db8::/1000", 0, "0-128");
	assert_bad_prefix("2001:db8::/32/1", 0, "more than one");
	assert_bad_prefix("2001:db8:::/32", 0, "not an IPv6 address");
	assert_bad_prefix("example.com/32", 0, "not an IPv6 address");
	assert_bad_prefix(" 2001:db8::/32", 0, "not an IPv6 address");
	assert_bad_prefix("192.0.2.0/24", 0, "not an IPv6 address");
	assert_bad_prefix("192.0.2.0/33", V6FIX_PREFIX_ALLOW_V4, "0-32");
	assert_bad_prefix("192.0.2.1/24", V6FIX_PREFIX_ALLOW_V4, "did you mean ::ffff:192.0.2.0/120");
	assert_bad_prefix("2001:db8::1/32", 0, "bits set beyond /32 (did you mean 2001:db8::/32?)");
	assert_bad_prefix("::1/0", 0, "did you mean ::/0");
	assert_bad_prefix("fd00::/7", 0, "did you mean fc00::/7");
	assert_bad_prefix("a:b:c:d:e:f:0:1:2/128", 0, "not an IPv6");
	assert_bad_prefix("0123456789012345678901234567890123456789012345678/1", 0, "not an IPv6");
}

static void test_prefix_contains(void **state)
{
	struct v6fix_prefix p, q;
	struct in6_addr a;

	(void)state;
	assert_int_equal(v6fix_prefix_parse("fc00::/7", 0, &p, NULL), 0);
	inet_pton(AF_INET6, "fdff::1", &a);
	assert_true(v6fix_prefix_contains(&p, &a));
	inet_pton(AF_INET6, "fe00::1", &a);
	assert_false(v6fix_prefix_contains(&p, &a));
	assert_int_equal(v6fix_prefix_parse("::/0", 0, &q, NULL), 0);
	assert_true(v6fix_prefix_contains(&q, &a));
	assert_false(v6fix_prefix_equal(&p, &q));
	assert_int_equal(v6fix_prefix_parse("fc00::/7", 0, &q, NULL), 0);
	assert_true(v6fix_prefix_equal(&p, &q));

	inet_pton(AF_INET6, "2001:db8::", &a);
	inet_pton(AF_INET6, "2001:db8:8000::", &p.addr);
	assert_int_equal(v6fix_common_prefix_len(&a, &p.addr), 32);
	assert_int_equal(v6fix_common_prefix_len(&a, &a), 128);
}

static void test_addrlabel_values(void **state)
{
	uint32_t v = 12345;

	(void)state;
	assert_int_equal(v6fix_parse_addrlabel("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(v6fix_parse_addrlabel("4294967294", &v), 0);
	assert_int_equal(v, 4294967294u);
	assert_int_equal(v6fix_parse_addrlabel("0x10", &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(v6fix_parse_addrlabel("0XfffffffE", &v), 0);
	assert_int_equal(v, 0xfffffffeu);
	v = 7;
	/* 0xffffffff is the kernel's "no label": refused like the rest. */
	assert_int_equal(v6fix_parse_addrlabel("4294967295", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("0xffffffff", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("0x100000000", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("99999999999", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("-1", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("+1", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("1 ", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("0x", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("0xg", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel("one", &v), -1);
	assert_int_equal(v6fix_parse_addrlabel(NULL, &v), -1);
	assert_int_equal(v, 7);	/* untouched on error */
}

static void test_gai_values(void **state)
{
	uint32_t v = 3;

	(void)state;
	assert_int_equal(v6fix_parse_gai_value("100", &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(v6fix_parse_gai_value("2147483647", &v), 0);
	assert_int_equal(v, 2147483647u);
	assert_int_equal(v6fix_parse_gai_value("2147483648", &v), -1);
	assert_int_equal(v6fix_parse_gai_value("0x10", &v), -1);
	assert_int_equal(v6fix_parse_gai_value("-5", &v), -1);
	assert_int_equal(v6fix_parse_gai_value("", &v), -1);
	assert_int_equal(v6fix_parse_gai_value("1e3", &v), -1);
	assert_int_equal(v, 2147483647u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_valid),
		cmocka_unit_test(test_prefix_invalid),
		cmocka_unit_test(test_prefix_contains),
		cmocka_unit_test(test_addrlabel_values),
		cmocka_unit_test(test_gai_values),
	};

	return cmocka_run_group_tests_name("prefix", tests, NULL, NULL);
}
