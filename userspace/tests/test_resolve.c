// SPDX-License-Identifier: GPL-2.0
/*
 * The resolution strategies (lib/resolve.c) on a virtual clock with canned
 * query outcomes: when each query goes out, when the first attempt starts,
 * which family is raced when, and what a late AAAA does.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <cmocka.h>

#include "model_resolve.h"
#include "resolve.h"

static const struct he_outcome ok20 = { 20, 0 };
static const struct he_outcome hang = { INFINITY, ETIMEDOUT };
static const struct v6fix_qoutcome a10 = { 10, V6FIX_Q_ADDRESSES };
static const struct v6fix_qoutcome never = { INFINITY, V6FIX_Q_FAILED };

static struct v6fix_rsim sim;

static long run(enum v6fix_strategy s, const struct v6fix_qoutcome *aaaa,
		const struct he_outcome *c6, double delay)
{
	return v6fix_resolve_simulate(s, V6FIX_RESOLUTION_DELAY_MS, true, &a10, aaaa, c6, &ok20,
				      delay, &sim);
}

static void test_names(void **state)
{
	(void)state;
	assert_int_equal(v6fix_strategy_parse("rfc8305"), V6FIX_RESOLVE_RFC8305);
	assert_int_equal(v6fix_strategy_parse("kame"), V6FIX_RESOLVE_KAME);
	assert_int_equal(v6fix_strategy_parse("getaddrinfo"), V6FIX_RESOLVE_GETADDRINFO);
	assert_int_equal(v6fix_strategy_parse("bind"), -1);
	assert_string_equal(v6fix_strategy_name(V6FIX_RESOLVE_KAME), "kame");
}

/* Both answer at once (10 ms): every strategy starts with IPv6 at 10 ms... */
static void test_healthy(void **state)
{
	struct v6fix_qoutcome aaaa = { 10, V6FIX_Q_ADDRESSES };

	(void)state;
	assert_int_equal(run(V6FIX_RESOLVE_RFC8305, &aaaa, &ok20, 250), 0);
	assert_int_equal(sim.family[0], AF_INET6);
	assert_float_equal(sim.resolve_ms, 10, 1e-9);
	assert_float_equal(sim.elapsed_ms, 30, 1e-9);
	assert_float_equal(sim.plan.aaaa.sent_ms, 0, 1e-9);
	assert_int_equal(run(V6FIX_RESOLVE_GETADDRINFO, &aaaa, &ok20, 250), 0);
	assert_float_equal(sim.resolve_ms, 10, 1e-9);
	/* ...but kame sends AAAA only after A: 20 ms. */
	assert_int_equal(run(V6FIX_RESOLVE_KAME, &aaaa, &ok20, -1), 0);
	assert_float_equal(sim.plan.aaaa.sent_ms, 10, 1e-9);
	assert_float_equal(sim.resolve_ms, 20, 1e-9);
	assert_int_equal(sim.family[0], AF_INET6);
}

/* AAAA never answered (dns_ignore_aaaa), the resolver gives up at 5 s. */
static void test_ignored_aaaa(void **state)
{
	struct v6fix_qoutcome gai_timeout = { 5000, V6FIX_Q_FAILED };

	(void)state;
	/* getaddrinfo: nothing before the resolver's timeout, then IPv4. */
	assert_int_equal(run(V6FIX_RESOLVE_GETADDRINFO, &gai_timeout, &ok20, 250), 0);
	assert_int_equal(sim.n, 1);
	assert_int_equal(sim.family[0], AF_INET);
	assert_float_equal(sim.resolve_ms, 5000, 1e-9);
	assert_float_equal(sim.elapsed_ms, 5020, 1e-9);
	/* rfc8305: IPv4 the Resolution Delay after A; never waits for AAAA. */
	assert_int_equal(run(V6FIX_RESOLVE_RFC8305, &never, &ok20, 250), 0);
	assert_int_equal(sim.family[0], AF_INET);
	assert_float_equal(sim.resolve_ms, 10 + 50, 1e-9);
	assert_float_equal(sim.elapsed_ms, 80, 1e-9);
	assert_int_equal(sim.plan.aaaa.state, V6FIX_Q_PENDING);
	/* kame: max(1 s, 2T) after the AAAA went out (T = 10 ms). */
	assert_int_equal(run(V6FIX_RESOLVE_KAME, &never, &ok20, -1), 0);
	assert_float_equal(sim.resolve_ms, 10 + 1000, 1e-9);
	assert_int_equal(sim.family[0], AF_INET);
}

/* kame's 2T: a slow A (800 ms) makes the AAAA wait 1.6 s. */
static void test_kame_2t(void **state)
{
	struct v6fix_qoutcome slow_a = { 800, V6FIX_Q_ADDRESSES };

	(void)state;
	v6fix_resolve_simulate(V6FIX_RESOLVE_KAME, 50, true, &slow_a, &never, &ok20, &ok20, -1,
			       &sim);
	assert_float_equal(v6fix_rplan_kame_deadline(&sim.plan), 800 + 1600, 1e-9);
	assert_float_equal(sim.resolve_ms, 2400, 1e-9);
}

/* A slow AAAA (300 ms): rfc8305 starts IPv4 at 60 ms; IPv6 joins at 300 ms. */
static void test_slow_aaaa_joins(void **state)
{
	struct v6fix_qoutcome slow = { 300, V6FIX_Q_ADDRESSES };

	(void)state;
	/* IPv4 hangs here, so the late IPv6 address wins the race. */
	assert_int_equal(v6fix_resolve_simulate(V6FIX_RESOLVE_RFC8305, 50, true, &a10, &slow,
						&ok20, &hang, 250, &sim), 1);
	assert_int_equal(sim.family[0], AF_INET);
	assert_int_equal(sim.family[1], AF_INET6);
	assert_float_equal(sim.resolve_ms, 60, 1e-9);
	/* Joined at 300 ms: 240 ms after the first start, before its 250 ms delay ran out. */
	assert_float_equal(sim.att[1].start_ms, 250, 1e-9);
	assert_float_equal(sim.elapsed_ms, 60 + 250 + 20, 1e-9);
	/* AAAA within the Resolution Delay: IPv6 first, at 30 ms. */
	slow.after_ms = 30;
	assert_int_equal(run(V6FIX_RESOLVE_RFC8305, &slow, &ok20, 250), 0);
	assert_int_equal(sim.family[0], AF_INET6);
	assert_float_equal(sim.resolve_ms, 30, 1e-9);
	/* kame waits for it (300 < 1 s) and puts it first. */
	slow.after_ms = 300;
	assert_int_equal(run(V6FIX_RESOLVE_KAME, &slow, &ok20, -1), 0);
	assert_float_equal(sim.resolve_ms, 310, 1e-9);
	assert_int_equal(sim.family[0], AF_INET6);
	/* getaddrinfo waits for it too. */
	assert_int_equal(run(V6FIX_RESOLVE_GETADDRINFO, &slow, &ok20, 250), 0);
	assert_float_equal(sim.resolve_ms, 300, 1e-9);
}

/* A negative AAAA (NXDOMAIN, SERVFAIL): rfc8305 does not wait the delay. */
static void test_negative_aaaa(void **state)
{
	struct v6fix_qoutcome nx = { 5, V6FIX_Q_EMPTY };

	(void)state;
	assert_int_equal(run(V6FIX_RESOLVE_RFC8305, &nx, &ok20, 250), 0);
	assert_float_equal(sim.resolve_ms, 10, 1e-9);
	assert_int_equal(sim.n, 1);
	assert_int_equal(sim.family[0], AF_INET);
}

/* 3.4.1: without AAAA queries every strategy goes to IPv4 after A. */
static void test_no_aaaa(void **state)
{
	(void)state;
	for (int s = 0; s <= V6FIX_RESOLVE_KAME; s++) {
		assert_int_equal(v6fix_resolve_simulate(s, 50, false, &a10, &never, &ok20, &ok20,
							250, &sim), 0);
		assert_int_equal(sim.plan.aaaa.state, V6FIX_Q_UNSENT);
		assert_float_equal(sim.resolve_ms, 10, 1e-9);
		assert_int_equal(sim.family[0], AF_INET);
	}
}

/* Nothing resolves: no attempt, no winner. */
static void test_nothing(void **state)
{
	struct v6fix_qoutcome nx = { 5, V6FIX_Q_EMPTY };

	(void)state;
	assert_int_equal(v6fix_resolve_simulate(V6FIX_RESOLVE_RFC8305, 50, true, &nx, &nx, &ok20,
						&ok20, 250, &sim), -1);
	assert_int_equal(sim.n, 0);
	assert_true(isnan(sim.resolve_ms));
}

/* The model under dns_ignore_aaaa (direct, D = 10 ms, timeout:1 attempts:1). */
static void test_model_ignore(void **state)
{
	struct v6fix_resolve_model m = { .resolution_delay_ms = 50, .he_delay_ms = 250 };
	struct v6fix_dns_scenario ds;
	char why[256];

	(void)state;
	v6fix_dns_scenario_init(&ds);
	assert_int_equal(v6fix_dns_fault_parse("dns_ignore_aaaa", NULL, &ds), 0);
	ds.resolver = V6FIX_DNS_DIRECT;
	ds.delay_ms = 10;
	ds.timeout_s = 1;
	ds.attempts = 1;
	m.strategy = V6FIX_RESOLVE_RFC8305;
	assert_int_equal(v6fix_model_resolve(&m, &ds, &ok20, &ok20, &sim, why, sizeof(why)), 0);
	assert_float_equal(sim.resolve_ms, 20 + 50, 1e-9);
	assert_int_equal(sim.family[sim.winner], AF_INET);
	m.strategy = V6FIX_RESOLVE_KAME;
	assert_int_equal(v6fix_model_resolve(&m, &ds, &ok20, &ok20, &sim, why, sizeof(why)), 0);
	assert_float_equal(sim.resolve_ms, 20 + 1000, 1e-9);
	m.strategy = V6FIX_RESOLVE_GETADDRINFO;
	assert_int_equal(v6fix_model_resolve(&m, &ds, &ok20, &ok20, &sim, why, sizeof(why)), 0);
	assert_true(sim.resolve_ms >= 1000);	/* glibc's own timeouts (model_dns) */
	/* 3.4.1 on a host without a global IPv6 address: A only, at once. */
	ds.client_v6 = V6FIX_CLIENT_V6_LINKLOCAL;
	m.aaaa_only_with_global = true;
	m.strategy = V6FIX_RESOLVE_KAME;
	assert_int_equal(v6fix_model_resolve(&m, &ds, &ok20, &ok20, &sim, why, sizeof(why)), 0);
	assert_int_equal(sim.plan.aaaa.state, V6FIX_Q_UNSENT);
	assert_float_equal(sim.resolve_ms, 20, 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_healthy),
		cmocka_unit_test(test_ignored_aaaa),
		cmocka_unit_test(test_kame_2t),
		cmocka_unit_test(test_slow_aaaa_joins),
		cmocka_unit_test(test_negative_aaaa),
		cmocka_unit_test(test_no_aaaa),
		cmocka_unit_test(test_nothing),
		cmocka_unit_test(test_model_ignore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
