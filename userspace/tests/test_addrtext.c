// SPDX-License-Identifier: GPL-2.0
/*
 * Peer addresses as v6fix serve prints them (addrtext.c): getnameinfo()
 * with NI_NUMERICHOST on a sockaddr_storage. RFC 5952's rules (section 4)
 * one by one, v4-mapped addresses with and without unmapping, scope IDs.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addrtext.h"

static struct v6fix_addrtext fmt6(const char *addr, uint32_t scope, bool unmap)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(443),
				   .sin6_scope_id = scope };
	struct v6fix_addrtext t;

	assert_int_equal(inet_pton(AF_INET6, addr, &s6.sin6_addr), 1);
	assert_int_equal(v6fix_addrtext((struct sockaddr *)&s6, sizeof(s6), unmap, &t), 0);
	assert_int_equal(t.port, 443);
	return t;
}

static void test_rfc5952(void **state)
{
	static const char *const cases[][2] = {
		/* 4.1 leading zeros dropped */
		{ "2001:0db8:0000:0000:0000:0000:0002:0001", "2001:db8::2:1" },
		/* 4.2.1 "::" as long as possible */
		{ "2001:db8:0:0:0:0:0:1", "2001:db8::1" },
		/* 4.2.2 not for one 16-bit 0 field */
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		/* 4.2.3 the longest run; of equal runs the first */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		/* 4.3 lower case */
		{ "2001:DB8::ABCD", "2001:db8::abcd" },
		{ "::", "::" },
		{ "::1", "::1" },
		{ "2001:db8:1::2", "2001:db8:1::2" },
		/* 5: v4-mapped in mixed notation (not unmapped here) */
		{ "::ffff:192.0.2.2", "::ffff:192.0.2.2" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct v6fix_addrtext t = fmt6(cases[i][0], 0, false);

		assert_string_equal(t.host, cases[i][1]);
		assert_int_equal(t.family, AF_INET6);
		assert_false(t.mapped);
	}
}

static void test_mapped(void **state)
{
	struct v6fix_addrtext t;

	(void)state;
	t = fmt6("::ffff:192.0.2.2", 0, true);
	assert_string_equal(t.host, "192.0.2.2");
	assert_int_equal(t.family, AF_INET);
	assert_true(t.mapped);
	/* Only ::ffff:0:0/96 is unmapped: not the deprecated IPv4-compatible
	 * ::a.b.c.d, not NAT64's 64:ff9b::/96. */
	t = fmt6("64:ff9b::c000:202", 0, true);
	assert_string_equal(t.host, "64:ff9b::c000:202");
	assert_int_equal(t.family, AF_INET6);
	assert_false(t.mapped);
	t = fmt6("::c000:202", 0, true);
	assert_int_equal(t.family, AF_INET6);
	assert_false(t.mapped);
}

static void test_scope(void **state)
{
	struct v6fix_addrtext t;
	char want[64], ifname[IF_NAMESIZE];

	(void)state;
	/* Index 1 is the loopback in every namespace: its name. */
	assert_non_null(if_indextoname(1, ifname));
	snprintf(want, sizeof(want), "fe80::1%%%s", ifname);
	t = fmt6("fe80::1", 1, false);
	assert_string_equal(t.host, want);
	/* No interface with that index: the number. */
	t = fmt6("fe80::1", 999999, false);
	assert_string_equal(t.host, "fe80::1%999999");
	/* Multicast link-local gets the name too; a global address with a
	 * scope ID set (the kernel never reports one) gets glibc's number. */
	snprintf(want, sizeof(want), "ff02::1%%%s", ifname);
	t = fmt6("ff02::1", 1, false);
	assert_string_equal(t.host, want);
	t = fmt6("2001:db8::1", 5, false);
	assert_string_equal(t.host, "2001:db8::1%5");
	t = fmt6("2001:db8::1", 0, false);
	assert_string_equal(t.host, "2001:db8::1");
}

static void test_inet(void **state)
{
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(80) };
	struct sockaddr_storage ss;
	struct v6fix_addrtext t;

	(void)state;
	inet_pton(AF_INET, "192.0.2.130", &s4.sin_addr);
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, &s4, sizeof(s4));
	assert_int_equal(v6fix_addrtext((struct sockaddr *)&ss, sizeof(s4), true, &t), 0);
	assert_string_equal(t.host, "192.0.2.130");
	assert_int_equal(t.family, AF_INET);
	assert_int_equal(t.port, 80);
	assert_false(t.mapped);
	/* Too short, or a family that is not IP. */
	assert_int_not_equal(v6fix_addrtext((struct sockaddr *)&ss, 4, true, &t), 0);
	ss.ss_family = AF_UNIX;
	assert_int_not_equal(v6fix_addrtext((struct sockaddr *)&ss, sizeof(ss), true, &t), 0);
	assert_int_not_equal(v6fix_addrtext((struct sockaddr *)&ss, sizeof(ss) + 1, true, &t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc5952),
		cmocka_unit_test(test_mapped),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_inet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
