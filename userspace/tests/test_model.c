// SPDX-License-Identifier: GPL-2.0
/*
 * The prediction model: each fault under each policy and algorithm, with
 * the numbers worked out by hand from the kernel's rules (see model.h and
 * timing.h), on a 6.12-like kernel (linear timeouts 4) unless said.
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

#include "model.h"
#include "uapi/v6fix.h"

static struct v6fix_scenario sc(enum v6fix_fault f, int code, int policy)
{
	struct v6fix_scenario s;

	v6fix_scenario_init(&s);
	s.fault = f;
	s.code = code;
	s.policy6 = policy;
	s.delay_ms = 10;
	s.syn.syn_retries = 2;
	return s;
}

static void expect(const struct v6fix_scenario *s, int v6err, double v6end, int winner_family,
		   double total)
{
	struct v6fix_prediction p;

	assert_int_equal(v6fix_predict(s, &p), 0);
	for (int i = 0; i < p.n; i++) {
		if (p.att[i].family != AF_INET6)
			continue;
		if (isnan(v6end)) {	/* never started */
			assert_true(isnan(p.att[i].start_ms));
			continue;
		}
		assert_int_equal(p.att[i].err, v6err);
		assert_float_equal(p.att[i].end_ms, v6end, 0.01);
	}
	if (winner_family)
		assert_int_equal(p.att[p.winner].family, winner_family);
	else
		assert_int_equal(p.winner, -1);
	assert_float_equal(p.total_ms, total, 0.01);
	assert_true(p.why[0] != '\0');
}

static void test_healthy_and_hard_errors(void **state)
{
	struct v6fix_scenario s;

	(void)state;
	s = sc(V6FIX_FAULT_HEALTHY, 0, V6FIX_POLICY_STOCK);
	expect(&s, 0, 20, AF_INET6, 20);
	s = sc(V6FIX_FAULT_NO_V6_LISTENER, 0, V6FIX_POLICY_RFC1122);
	expect(&s, ECONNREFUSED, 20, AF_INET, 40);
	/* Hard codes ignore the policy. */
	for (int pol = V6FIX_POLICY_STOCK; pol <= V6FIX_POLICY_RETRIES; pol++) {
		s = sc(V6FIX_FAULT_ICMP6_UNREACH, 1, pol);
		expect(&s, EACCES, 10, AF_INET, 30);
		s = sc(V6FIX_FAULT_ICMP6_UNREACH, 4, pol);
		expect(&s, ECONNREFUSED, 10, AF_INET, 30);
	}
}

static void test_soft_errors_per_policy(void **state)
{
	struct v6fix_scenario s;

	(void)state;
	/* Retries 2, linear 4: retransmissions at 1 and 2 s, give up at 7 s. */
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 0, V6FIX_POLICY_STOCK);
	expect(&s, ENETUNREACH, 10, AF_INET, 30);
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 3, V6FIX_POLICY_HARD);
	expect(&s, EHOSTUNREACH, 10, AF_INET, 30);
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 2, V6FIX_POLICY_RFC1122);
	expect(&s, EHOSTUNREACH, 7000, AF_INET, 7020);
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 0, V6FIX_POLICY_BSD);
	s.bsd_retries = 0;
	expect(&s, ENETUNREACH, 1010, AF_INET, 1030);
	s.bsd_retries = 1;
	expect(&s, ENETUNREACH, 2010, AF_INET, 2030);
	/*
	 * Linear timeouts retransmit every second until the 7 s budget: the
	 * 4th retransmission (4 s) exists although syn_retries is 2.
	 */
	s.bsd_retries = 3;
	expect(&s, ENETUNREACH, 4010, AF_INET, 4030);
	/* 6.1: retransmissions at 1 and 3 s only: bsd falls back to the timeout. */
	s.syn.linear_timeouts = -1;
	expect(&s, ENETUNREACH, 7000, AF_INET, 7020);
	s = sc(V6FIX_FAULT_ICMP6_TIME_EXCEEDED, 0, V6FIX_POLICY_PASS);
	expect(&s, EHOSTUNREACH, 10, AF_INET, 30);
}

/*
 * FreeBSD's rule (bsd) aborts only on a second soft error; retries on the
 * first late one. In every fault of the catalog every SYN is answered (the
 * on-link fault: each queued SYN gets its own address-unreachable), so a
 * late error always finds an earlier one remembered and the two agree.
 */
static void test_bsd_and_retries(void **state)
{
	static const int faults[] = {
		V6FIX_FAULT_ICMP6_UNREACH, V6FIX_FAULT_ICMP6_TIME_EXCEEDED,
		V6FIX_FAULT_ONLINK, V6FIX_FAULT_CLIENT_REJECT, V6FIX_FAULT_V4_UNREACH,
	};
	struct v6fix_prediction pb, pr;
	struct v6fix_scenario s;

	(void)state;
	for (size_t f = 0; f < sizeof(faults) / sizeof(faults[0]); f++) {
		for (unsigned int n = 0; n <= 4; n++) {
			for (int lin = -1; lin <= 4; lin += 5) {
				s = sc(faults[f], 0, V6FIX_POLICY_BSD);
				s.bsd_retries = n;
				s.syn.linear_timeouts = lin;
				s.syn.syn_retries = 6;
				assert_int_equal(v6fix_predict(&s, &pb), 0);
				s.policy6 = s.policy4 = V6FIX_POLICY_RETRIES;
				assert_int_equal(v6fix_predict(&s, &pr), 0);
				assert_int_equal(pb.winner, pr.winner);
				assert_true(pb.total_ms == pr.total_ms);
				assert_int_equal(pb.att[0].err, pr.att[0].err);
			}
		}
	}
	/* The why names the policy. */
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 0, V6FIX_POLICY_RETRIES);
	s.bsd_retries = 0;
	expect(&s, ENETUNREACH, 1010, AF_INET, 1030);
	assert_int_equal(v6fix_predict(&s, &pr), 0);
	assert_non_null(strstr(pr.why, "retries aborts"));
}

static void test_lock_owned(void **state)
{
	struct v6fix_scenario s;

	(void)state;
	s = sc(V6FIX_FAULT_CLIENT_REJECT, 0, V6FIX_POLICY_STOCK);
	expect(&s, ENETUNREACH, 1000, AF_INET, 1020);
	s = sc(V6FIX_FAULT_CLIENT_REJECT, 0, V6FIX_POLICY_HARD);
	expect(&s, ENETUNREACH, 0, AF_INET, 20);
	/* A hard code under the lock: stock behaviour whatever the policy. */
	s = sc(V6FIX_FAULT_CLIENT_REJECT, 4, V6FIX_POLICY_HARD);
	expect(&s, ECONNREFUSED, 1000, AF_INET, 1020);
}

static void test_silent_and_local(void **state)
{
	struct v6fix_scenario s;

	(void)state;
	s = sc(V6FIX_FAULT_V6_BLACKHOLE, 0, V6FIX_POLICY_HARD);
	expect(&s, ETIMEDOUT, 7000, AF_INET, 7020);
	/* 6.1: no linear timeouts, same budget for 2 retries. */
	s.syn.linear_timeouts = -1;
	expect(&s, ETIMEDOUT, 7000, AF_INET, 7020);
	s = sc(V6FIX_FAULT_ICMP6_FILTERED, 0, V6FIX_POLICY_HARD);
	expect(&s, ETIMEDOUT, 7000, AF_INET, 7020);
	s = sc(V6FIX_FAULT_ONLINK, 0, V6FIX_POLICY_STOCK);
	expect(&s, EHOSTUNREACH, 3000, AF_INET, 3020);
	s.nd_solicit = 1;
	expect(&s, EHOSTUNREACH, 1000, AF_INET, 1020);
	/*
	 * bsd: everything queued behind the resolution fails with it, at 3 s
	 * (6.1: retransmissions at 1 and 3 s, so more than 0 or 1 of them).
	 */
	s = sc(V6FIX_FAULT_ONLINK, 0, V6FIX_POLICY_BSD);
	s.syn.linear_timeouts = -1;
	s.bsd_retries = 0;
	expect(&s, EHOSTUNREACH, 3000, AF_INET, 3020);
	s.bsd_retries = 1;
	expect(&s, EHOSTUNREACH, 3000, AF_INET, 3020);
	/* Not enough retransmissions before the retries run out. */
	s.bsd_retries = 2;
	expect(&s, EHOSTUNREACH, 7000, AF_INET, 7020);
	/*
	 * Stock retries: failures at 3 s (2 sent) and 10 s (the one of 7 s,
	 * 3 sent); the one of 15 s makes 4 and its resolution fails at 18 s.
	 */
	s.syn.syn_retries = 6;
	s.bsd_retries = 3;
	expect(&s, EHOSTUNREACH, 18000, AF_INET, 18020);
	s = sc(V6FIX_FAULT_NO_V6_ROUTE, 0, V6FIX_POLICY_STOCK);
	expect(&s, ENETUNREACH, NAN, AF_INET, 20);	/* IPv6 never tried */
}

static void test_happy_eyeballs(void **state)
{
	struct v6fix_scenario s;

	(void)state;
	s = sc(V6FIX_FAULT_V6_BLACKHOLE, 0, V6FIX_POLICY_STOCK);
	s.algo = V6FIX_ALGO_HE;
	expect(&s, ECANCELED, 270, AF_INET, 270);
	s.he_delay_ms = 1;	/* clamped to 10 ms */
	expect(&s, ECANCELED, 30, AF_INET, 30);
	s = sc(V6FIX_FAULT_ICMP6_UNREACH, 0, V6FIX_POLICY_RFC1122);
	s.algo = V6FIX_ALGO_HE;
	s.he_delay_ms = 200;
	expect(&s, ECANCELED, 220, AF_INET, 220);
	/* IPv6 fails before the delay: IPv4 starts at once. */
	s.policy6 = V6FIX_POLICY_HARD;
	expect(&s, ENETUNREACH, 10, AF_INET, 30);
}

static void test_ipv4_soft_errors(void **state)
{
	struct v6fix_scenario s;
	struct v6fix_prediction p;

	(void)state;
	s = sc(V6FIX_FAULT_V4_UNREACH, 1, V6FIX_POLICY_STOCK);
	s.only_v4 = true;
	s.policy4 = V6FIX_POLICY_RFC1122;
	assert_int_equal(v6fix_predict(&s, &p), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.att[0].family, AF_INET);
	assert_int_equal(p.att[0].err, EHOSTUNREACH);
	assert_float_equal(p.att[0].end_ms, 7000, 0.01);
	assert_int_equal(p.winner, -1);
	s.policy4 = V6FIX_POLICY_HARD;
	assert_int_equal(v6fix_predict(&s, &p), 0);
	assert_float_equal(p.att[0].end_ms, 10, 0.01);
	s.code = 5;
	assert_int_equal(v6fix_predict(&s, &p), 0);
	assert_int_equal(p.att[0].err, EOPNOTSUPP);
	s.code = 16;
	assert_int_equal(v6fix_predict(&s, &p), -EINVAL);
}

static void test_names(void **state)
{
	(void)state;
	for (int f = 0; f < V6FIX_FAULT_NR; f++)
		assert_int_equal(v6fix_fault_parse(v6fix_fault_name(f)), f);
	assert_int_equal(v6fix_fault_parse("blackhole"), -1);
	assert_null(v6fix_fault_name(V6FIX_FAULT_NR));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthy_and_hard_errors),
		cmocka_unit_test(test_soft_errors_per_policy),
		cmocka_unit_test(test_bsd_and_retries),
		cmocka_unit_test(test_lock_owned),
		cmocka_unit_test(test_silent_and_local),
		cmocka_unit_test(test_happy_eyeballs),
		cmocka_unit_test(test_ipv4_soft_errors),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
