// SPDX-License-Identifier: GPL-2.0
/*
 * The real clients in the model (model_clients.h): each algorithm on the
 * connect model's outcomes, the numbers worked out by hand (D = 10 ms one
 * way, tcp_syn_retries 2 on a 6.12-like kernel: a silent path gives up at
 * 7 s), and the table's defaults against what their sources say.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "he.h"
#include "model_clients.h"

static struct v6fix_scenario sc(enum v6fix_fault f, int code)
{
	struct v6fix_scenario s;

	v6fix_scenario_init(&s);
	s.fault = f;
	s.code = code;
	s.delay_ms = 10;
	s.syn.syn_retries = 2;
	return s;
}

/* @name under @s: the winner's family (0: none), total_ms and passes. */
static void expect(const char *name, unsigned int major, const struct v6fix_scenario *s,
		   unsigned int tries, int winner_family, double total, unsigned int passes)
{
	const struct v6fix_client *c = v6fix_client_find(name, major);
	struct v6fix_prediction p;
	unsigned int n;

	assert_non_null(c);
	assert_int_equal(v6fix_client_predict(c, s, tries, &p, &n), 0);
	if (winner_family) {
		assert_true(p.winner >= 0);
		assert_int_equal(p.att[p.winner].family, winner_family);
	} else {
		assert_int_equal(p.winner, -1);
	}
	assert_float_equal(p.total_ms, total, 0.01);
	assert_int_equal(n, passes);
}

static void test_table_defaults(void **state)
{
	(void)state;
	/* Each number as its documentation or source gives it. */
	assert_float_equal(v6fix_client_find("curl", 0)->delay_ms, 200, 0);
	assert_float_equal(v6fix_client_find("go", 0)->delay_ms, 300, 0);
	assert_float_equal(v6fix_client_find("node", 0)->delay_ms, 250, 0);
	assert_int_equal(v6fix_client_find("node", 0)->algo, V6FIX_CLIENT_ATTEMPT_TIMEOUT);
	assert_int_equal(v6fix_client_find("wget", 0)->tries, 20);
	assert_float_equal(v6fix_client_find("wget", 0)->retry_max_ms, 10000, 0);
	assert_int_equal(v6fix_client_find("ssh", 0)->tries, 1);
	assert_int_equal(v6fix_client_find("go", 0)->order, V6FIX_ORDER_HOSTS_FILE);
	/* Node's default: off in Debian 12's 18, on from 20. */
	assert_int_equal(v6fix_client_find("node-defaults", 0)->algo, V6FIX_CLIENT_FIRST);
	assert_int_equal(v6fix_client_find("node-defaults", 18)->algo, V6FIX_CLIENT_FIRST);
	assert_int_equal(v6fix_client_find("node-defaults", 20)->algo,
			 V6FIX_CLIENT_ATTEMPT_TIMEOUT);
	assert_int_equal(v6fix_client_find("node-defaults", 22)->algo,
			 V6FIX_CLIENT_ATTEMPT_TIMEOUT);
	assert_null(v6fix_client_find("lynx", 0));
	for (size_t i = 0; i < v6fix_nclients; i++) {
		assert_true(v6fix_clients[i].tries >= 1);
		assert_non_null(v6fix_clients[i].source);
		assert_non_null(v6fix_clients[i].resolver);
	}
}

static void test_wget_retryable(void **state)
{
	(void)state;
	/* Not retried without --retry-connrefused: refused and unreachable. */
	assert_false(v6fix_wget_retryable(ECONNREFUSED));
	assert_false(v6fix_wget_retryable(ENETUNREACH));
	assert_false(v6fix_wget_retryable(EHOSTUNREACH));
	assert_false(v6fix_wget_retryable(EAFNOSUPPORT));
	/* Everything else is. */
	assert_true(v6fix_wget_retryable(ETIMEDOUT));
	assert_true(v6fix_wget_retryable(EOPNOTSUPP));
	assert_true(v6fix_wget_retryable(EACCES));
}

/* A silent IPv6 path: sequential clients wait it out, the racers don't. */
static void test_blackhole(void **state)
{
	struct v6fix_scenario s = sc(V6FIX_FAULT_V6_BLACKHOLE, 0);

	(void)state;
	expect("wget", 0, &s, 0, AF_INET, 7020, 1);
	expect("ssh", 0, &s, 0, AF_INET, 7020, 1);
	expect("python", 0, &s, 0, AF_INET, 7020, 1);
	expect("curl", 0, &s, 0, AF_INET, 220, 1);
	expect("go", 0, &s, 0, AF_INET, 320, 1);
	/* Node closes IPv6 at 250 ms, then IPv4 takes one RTT. */
	expect("node", 0, &s, 0, AF_INET, 270, 1);
	expect("node-defaults", 20, &s, 0, AF_INET, 270, 1);
	/* Node 18 without autoSelectFamily: the first address, no fallback. */
	expect("node-defaults", 18, &s, 0, 0, 7000, 1);
}

/* A soft error at D: everyone falls back at once. */
static void test_unreach(void **state)
{
	struct v6fix_scenario s = sc(V6FIX_FAULT_ICMP6_UNREACH, 0);

	(void)state;
	expect("wget", 0, &s, 0, AF_INET, 30, 1);
	expect("node", 0, &s, 0, AF_INET, 30, 1);
	expect("go", 0, &s, 0, AF_INET, 30, 1);
	expect("node-defaults", 18, &s, 0, 0, 10, 1);
}

/* Node's attempt timeout is not Happy Eyeballs: IPv6 answering after
 * the timeout loses although it would have won a race (IPv4 slower). */
static void test_attempt_timeout_closes(void **state)
{
	const struct v6fix_client *node = v6fix_client_find("node", 0);
	struct v6fix_client fast = *node, he = *node;
	struct v6fix_scenario s = sc(V6FIX_FAULT_HEALTHY, 0);
	struct v6fix_prediction p;

	(void)state;
	/* Healthy, RTT 20 ms: a 10 ms timeout (the floor) closes IPv6 at 10
	 * ms; IPv4 connects at 30. Happy Eyeballs with the same delay keeps
	 * IPv6 running and it wins at 20. */
	fast.delay_ms = 5;
	assert_int_equal(v6fix_client_predict(&fast, &s, 0, &p, NULL), 0);
	assert_int_equal(p.att[p.winner].family, AF_INET);
	assert_float_equal(p.total_ms, 30, 0.01);
	assert_int_equal(p.att[0].err, HE_ERR_CANCELLED);
	assert_float_equal(p.att[0].end_ms, 10, 0.01);
	he.algo = V6FIX_CLIENT_HE;
	he.delay_ms = 5;
	assert_int_equal(v6fix_client_predict(&he, &s, 0, &p, NULL), 0);
	assert_int_equal(p.att[p.winner].family, AF_INET6);
	assert_float_equal(p.total_ms, 20, 0.01);
}

/* wget tries again only after a retryable errno, waiting 1, 2, ... s. */
static void test_wget_tries(void **state)
{
	struct v6fix_scenario s = sc(V6FIX_FAULT_V4_UNREACH, 5);	/* EOPNOTSUPP */
	struct v6fix_scenario r = sc(V6FIX_FAULT_V4_UNREACH, 0);	/* ENETUNREACH */

	(void)state;
	s.only_v4 = r.only_v4 = true;
	/* 3 tries: 10 + 1000 + 10 + 2000 + 10 ms. */
	expect("wget", 0, &s, 3, 0, 3030, 3);
	/* The default 20: waits 1..10 s, then 10 s: 145 s, plus 20 x 10 ms. */
	expect("wget", 0, &s, 0, 0, 145200, 20);
	expect("wget", 0, &r, 0, 0, 10, 1);
	/* ssh's ConnectionAttempts retries whatever the error, 1 s apart. */
	expect("ssh", 0, &r, 3, 0, 2030, 3);
}

/* Without an IPv6 route glibc sorts IPv4 first; Go's hosts file does not. */
static void test_order(void **state)
{
	struct v6fix_scenario s = sc(V6FIX_FAULT_NO_V6_ROUTE, 0);
	const struct v6fix_client *go = v6fix_client_find("go", 0);
	const struct v6fix_client *wget = v6fix_client_find("wget", 0);
	struct v6fix_prediction p;

	(void)state;
	assert_int_equal(v6fix_client_predict(go, &s, 0, &p, NULL), 0);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.att[0].family, AF_INET6);
	assert_int_equal(p.att[0].err, ENETUNREACH);
	assert_int_equal(p.att[p.winner].family, AF_INET);
	assert_float_equal(p.total_ms, 20, 0.01);
	assert_int_equal(v6fix_client_predict(wget, &s, 0, &p, NULL), 0);
	assert_int_equal(p.att[0].family, AF_INET);
	assert_int_equal(p.winner, 0);
	/* node-defaults on 18 connects: the first address is IPv4 then. */
	expect("node-defaults", 18, &s, 0, AF_INET, 20, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_defaults),
		cmocka_unit_test(test_wget_retryable),
		cmocka_unit_test(test_blackhole),
		cmocka_unit_test(test_unreach),
		cmocka_unit_test(test_attempt_timeout_closes),
		cmocka_unit_test(test_wget_tries),
		cmocka_unit_test(test_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
