// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 6724 comparator on canned address sets: one case per rule, with
 * glibc's tables (and a gai.conf that prefers IPv4), checking both the order
 * and the rule that decided.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "gaiconf.h"
#include "rfc6724.h"

/* A destination; @src NULL means "no route". */
static struct v6fix_rfc6724_dest dest(const char *dst, const char *src, size_t order)
{
	struct v6fix_rfc6724_dest d = { .order = order, .ifindex = 2, .native = true };
	struct in_addr v4;

	if (inet_pton(AF_INET, dst, &v4) == 1) {
		d.family = AF_INET;
		v6fix_v4mapped(&d.addr, &v4);
	} else {
		d.family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, dst, &d.addr), 1);
	}
	if (!src) {
		d.ifindex = 0xffffffffu;
		return d;
	}
	d.has_source = true;
	if (inet_pton(AF_INET, src, &v4) == 1) {
		d.src_family = AF_INET;
		v6fix_v4mapped(&d.src, &v4);
		d.src_prefixlen = 24;
	} else {
		d.src_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, src, &d.src), 1);
		d.src_prefixlen = 64;
	}
	return d;
}

/* @a goes first, decided by @rule; and the other way round gives the mirror. */
static void assert_first(struct v6fix_rfc6724_dest a, struct v6fix_rfc6724_dest b,
			 const struct v6fix_rfc6724_policy *pol, int rule)
{
	struct v6fix_rfc6724_why w = { 0 }, w2 = { 0 };

	if (v6fix_rfc6724_compare(&a, &b, pol, &w) >= 0)
		fail_msg("expected the first address first (rule %d decided the other way)", w.rule);
	assert_int_equal(w.rule, rule);
	assert_true(v6fix_rfc6724_compare(&b, &a, pol, &w2) > 0);
	assert_int_equal(w2.rule, rule);
}

static const struct v6fix_rfc6724_policy *glibc = &v6fix_glibc_policy;

static void test_rule1_unusable(void **state)
{
	(void)state;
	/* IPv6 without a route loses to IPv4 (the field notes' "no IPv6 route" case). */
	assert_first(dest("198.51.100.1", "192.0.2.1", 1), dest("2001:db8::1", NULL, 0), glibc, 1);
}

static void test_rule2_scope(void **state)
{
	(void)state;
	assert_first(dest("fe80::1", "fe80::2", 1), dest("2001:db8::1", "fe80::2", 0), glibc, 2);
	/* 169.254/16 is link-local in glibc's scopev4 table. */
	assert_first(dest("169.254.1.1", "169.254.9.9", 1), dest("198.51.100.1", "169.254.9.9", 0),
		     glibc, 2);
}

static void test_rule3_deprecated(void **state)
{
	struct v6fix_rfc6724_dest a = dest("2001:db8:1::1", "2001:db8:1::2", 1);
	struct v6fix_rfc6724_dest b = dest("2001:db8:2::1", "2001:db8:2::2", 0);

	(void)state;
	b.deprecated = true;
	assert_first(a, b, glibc, 3);
}

static void test_rule4_home(void **state)
{
	struct v6fix_rfc6724_dest a = dest("2001:db8:1::1", "2001:db8:1::2", 1);
	struct v6fix_rfc6724_dest b = dest("2001:db8:2::1", "2001:db8:2::2", 0);

	(void)state;
	a.home = true;
	assert_first(a, b, glibc, 4);
}

static void test_rule5_label(void **state)
{
	(void)state;
	/* RFC 6724 10.2: a 6to4 source prefers the 6to4 destination. */
	assert_first(dest("2002:c633:6401::1", "2002:c633:6401::2", 1),
		     dest("2001:db8:1::1", "2002:c633:6401::2", 0), glibc, 5);
	/* ULA destination from a global source: label 6 vs 1. */
	assert_first(dest("198.51.100.1", "192.0.2.1", 1), dest("fd00::1", "2001:db8::2", 0),
		     glibc, 5);
}

static void test_rule6_precedence(void **state)
{
	struct v6fix_gai_tables t;
	struct v6fix_gaiconf c;
	const char *v4first = "precedence ::ffff:0:0/96 100\n";

	(void)state;
	/* glibc's default: ::/0 40 beats ::ffff:0:0/96 10 (RFC 6724's table says 35). */
	assert_first(dest("2001:db8:1::1", "2001:db8:3::1", 1),
		     dest("198.51.100.121", "198.51.100.117", 0), glibc, 6);
	/* gai.conf "prefer ipv4": the same pair the other way round. */
	assert_int_equal(v6fix_gaiconf_parse(v4first, strlen(v4first), &c), 0);
	assert_int_equal(v6fix_gaiconf_tables(&c, &t), 0);
	assert_first(dest("198.51.100.121", "198.51.100.117", 1),
		     dest("2001:db8:1::1", "2001:db8:3::1", 0), &t.policy, 6);
	v6fix_gai_tables_free(&t);
	v6fix_gaiconf_free(&c);
	/* 6to4 (30) after native IPv6 (40) when labels do not decide. */
	assert_first(dest("2001:db8:1::1", "2001:db8:3::1", 1),
		     dest("2002:c633:6401::1", "2001:db8:3::1", 0), glibc, 5);
}

static void test_rule7_native(void **state)
{
	struct v6fix_rfc6724_dest a = dest("2001:db8:1::1", "2001:db8:1::2", 1);
	struct v6fix_rfc6724_dest b = dest("2001:db8:2::1", "2001:db8:2::2", 0);

	(void)state;
	b.ifindex = 7;
	b.native = false;	/* a sit or ip6tnl interface */
	assert_first(a, b, glibc, 7);
	/* Same interface: rule 7 has nothing to say, nor has 9 here. */
	b.ifindex = a.ifindex;
	assert_first(b, a, glibc, 10);
}

static void test_rule8_smaller_scope(void **state)
{
	(void)state;
	assert_first(dest("fec0::1", "fec0::2", 1), dest("2001:db8::1", "2001:db8::2", 0), glibc, 8);
}

static void test_rule9_longest_prefix(void **state)
{
	(void)state;
	assert_first(dest("2001:db8:1::1", "2001:db8:1::2", 1), dest("2001:db8:2::1", "2001:db8:1::2", 0),
		     glibc, 9);
	/* The detail is the whole common prefix, not glibc's per-word count. */
	{
		struct v6fix_rfc6724_dest a = dest("2001:db8:1::99", "2001:db8:1::1", 1);
		struct v6fix_rfc6724_dest b = dest("2001:db8:2::10", "2001:db8:1::1", 0);
		struct v6fix_rfc6724_why w;

		assert_true(v6fix_rfc6724_compare(&a, &b, glibc, &w) < 0);
		assert_int_equal(w.rule, 9);
		assert_int_equal(w.a, 120);
		assert_int_equal(w.b, 46);
	}
	/* IPv4 inside the source's /24 beats one outside it. */
	assert_first(dest("192.0.2.77", "192.0.2.1", 1), dest("198.51.100.1", "192.0.2.1", 0),
		     glibc, 9);
}

static void test_rule10_order(void **state)
{
	(void)state;
	/* Two IPv4 destinations outside the source's subnet: as received. */
	assert_first(dest("198.51.100.1", "192.0.2.1", 0), dest("203.0.113.1", "192.0.2.1", 1),
		     glibc, 10);
}

static void test_sort(void **state)
{
	/* A dual-stack name as a resolver might return it. */
	struct v6fix_rfc6724_dest d[] = {
		dest("198.51.100.10", "192.0.2.1", 0),
		dest("2002:c000:201::1", "2001:db8:1::1", 1),
		dest("fd00::10", "2001:db8:1::1", 2),
		dest("2001:db8:2::10", "2001:db8:1::1", 3),
		dest("10.9.9.9", "192.0.2.1", 4),
		dest("2001:db8:dead::1", NULL, 5),
	};
	const size_t want[] = { 3, 0, 4, 2, 1, 5 };
	const size_t n = sizeof(d) / sizeof(d[0]);

	(void)state;
	v6fix_rfc6724_sort(d, n, glibc);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(d[i].order, want[i]);
}

static void test_lookups(void **state)
{
	struct in6_addr a;

	(void)state;
	inet_pton(AF_INET6, "2001::1", &a);	/* Teredo */
	assert_int_equal(v6fix_policy_lookup(glibc->labels, glibc->nlabels, &a, 99), 7);
	assert_int_equal(v6fix_policy_lookup(glibc->precedence, glibc->nprecedence, &a, 99), 40);
	inet_pton(AF_INET6, "::1", &a);
	assert_int_equal(v6fix_policy_lookup(glibc->labels, glibc->nlabels, &a, 99), 0);
	assert_int_equal(v6fix_rfc6724_scope(AF_INET6, &a, glibc), 2);
	inet_pton(AF_INET6, "ff05::1", &a);
	assert_int_equal(v6fix_rfc6724_scope(AF_INET6, &a, glibc), 5);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &a);
	assert_int_equal(v6fix_rfc6724_scope(AF_INET, &a, glibc), 2);
	assert_string_equal(v6fix_rfc6724_rule_name(6), "prefer higher precedence");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule1_unusable),
		cmocka_unit_test(test_rule2_scope),
		cmocka_unit_test(test_rule3_deprecated),
		cmocka_unit_test(test_rule4_home),
		cmocka_unit_test(test_rule5_label),
		cmocka_unit_test(test_rule6_precedence),
		cmocka_unit_test(test_rule7_native),
		cmocka_unit_test(test_rule8_smaller_scope),
		cmocka_unit_test(test_rule9_longest_prefix),
		cmocka_unit_test(test_rule10_order),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_lookups),
	};

	return cmocka_run_group_tests_name("rfc6724", tests, NULL, NULL);
}
