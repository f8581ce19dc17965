// SPDX-License-Identifier: GPL-2.0
/*
 * The Happy Eyeballs scheduler (he.c) on a virtual clock with canned
 * connect outcomes: which attempt starts when, who wins, what the losers
 * are told, and the family interleaving of RFC 8305 section 4.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "he.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define HANG { INFINITY, 0 }

static void assert_ms(double got, double want)
{
	if (fabs(got - want) > 1e-9)
		fail_msg("got %.3f ms, want %.3f ms", got, want);
}

static void assert_attempt(const struct he_attempt *a, enum he_state st, double start,
			   double end, int err)
{
	assert_int_equal(a->state, st);
	assert_ms(a->start_ms, start);
	if (st != HE_PENDING && st != HE_RUNNING)
		assert_ms(a->end_ms, end);
	assert_int_equal(a->err, err);
}

static void check_order(const int *family, size_t n, size_t first, const size_t *want)
{
	size_t order[16];

	he_interleave(family, n, first, order);
	for (size_t i = 0; i < n; i++)
		if (order[i] != want[i])
			fail_msg("position %zu: got address %zu, want %zu", i, order[i], want[i]);
}

static void test_interleave(void **state)
{
	(void)state;
	{	/* The resolver's v6,v6,v6,v4,v4 becomes v6,v4,v6,v4,v6. */
		const int f[] = { 6, 6, 6, 4, 4 };
		const size_t want[] = { 0, 3, 1, 4, 2 };

		check_order(f, N(f), 1, want);
	}
	{	/* First Address Family Count 2. */
		const int f[] = { 6, 6, 6, 4, 4 };
		const size_t want[] = { 0, 1, 3, 2, 4 };

		check_order(f, N(f), 2, want);
	}
	{	/* IPv4 first (gai.conf, or no IPv6 route): it stays first. */
		const int f[] = { 4, 6, 6, 6 };
		const size_t want[] = { 0, 1, 2, 3 };

		check_order(f, N(f), 1, want);
	}
	{	/* Mixed input order; order within a family is kept. */
		const int f[] = { 6, 4, 4, 6, 4 };
		const size_t want[] = { 0, 1, 3, 2, 4 };

		check_order(f, N(f), 1, want);
	}
	{	/* One family only: unchanged. */
		const int f[] = { 4, 4, 4 };
		const size_t want[] = { 0, 1, 2 };

		check_order(f, N(f), 1, want);
	}
	{
		const int f[] = { 6 };
		const size_t want[] = { 0 };

		check_order(f, N(f), 1, want);
	}
}

static void test_clamp_delay(void **state)
{
	(void)state;
	assert_ms(he_clamp_delay(0), 10);
	assert_ms(he_clamp_delay(9.9), 10);
	assert_ms(he_clamp_delay(10), 10);
	assert_ms(he_clamp_delay(250), 250);
	assert_ms(he_clamp_delay(5000), 5000);
}

/* IPv6 hangs (blackhole), IPv4 answers after one RTT: delay + RTT. */
static void test_blackhole_delay_plus_rtt(void **state)
{
	const struct he_outcome o[] = { HANG, { 20, 0 } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, INFINITY);
	assert_int_equal(he_simulate(&h, o), 1);
	assert_attempt(&att[0], HE_FAILED, 0, 270, ECANCELED);
	assert_attempt(&att[1], HE_CONNECTED, 250, 270, 0);
	assert_ms(h.end_ms, 270);
}

/* IPv6 is rejected after 10 ms: IPv4 starts at once, not after 250 ms. */
static void test_failure_starts_next_at_once(void **state)
{
	const struct he_outcome o[] = { { 10, ENETUNREACH }, { 20, 0 } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, INFINITY);
	assert_int_equal(he_simulate(&h, o), 1);
	assert_attempt(&att[0], HE_FAILED, 0, 10, ENETUNREACH);
	assert_attempt(&att[1], HE_CONNECTED, 10, 30, 0);
	assert_ms(h.end_ms, 30);
}

/* No route: connect() fails at once, the next attempt follows at once. */
static void test_immediate_failure(void **state)
{
	const struct he_outcome o[] = { { 0, ENETUNREACH }, { 0, ENETUNREACH }, { 15, 0 } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, INFINITY);
	assert_int_equal(he_simulate(&h, o), 2);
	assert_attempt(&att[0], HE_FAILED, 0, 0, ENETUNREACH);
	assert_attempt(&att[1], HE_FAILED, 0, 0, ENETUNREACH);
	assert_attempt(&att[2], HE_CONNECTED, 0, 15, 0);
}

/* Three hanging paths then a good one: starts are paced by the delay. */
static void test_pacing_and_cancel(void **state)
{
	const struct he_outcome o[] = { HANG, HANG, HANG, { 5, 0 }, HANG };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 100, INFINITY);
	assert_int_equal(he_simulate(&h, o), 3);
	assert_attempt(&att[0], HE_FAILED, 0, 305, ECANCELED);
	assert_attempt(&att[1], HE_FAILED, 100, 305, ECANCELED);
	assert_attempt(&att[2], HE_FAILED, 200, 305, ECANCELED);
	assert_attempt(&att[3], HE_CONNECTED, 300, 305, 0);
	assert_attempt(&att[4], HE_PENDING, 0, 0, 0);	/* never started */
}

/*
 * A failure of an earlier attempt while a later one runs also starts the
 * next one at once; the delay then counts from that start.
 */
static void test_failure_while_another_runs(void **state)
{
	const struct he_outcome o[] = { { 300, ETIMEDOUT }, HANG, HANG, { 50, 0 } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, INFINITY);
	assert_int_equal(he_simulate(&h, o), 3);
	assert_attempt(&att[0], HE_FAILED, 0, 300, ETIMEDOUT);
	assert_attempt(&att[1], HE_FAILED, 250, 600, ECANCELED);
	assert_attempt(&att[2], HE_FAILED, 300, 600, ECANCELED);
	assert_attempt(&att[3], HE_CONNECTED, 550, 600, 0);
}

/* Nothing connects: every attempt fails, no winner; the run ends then. */
static void test_all_fail(void **state)
{
	const struct he_outcome o[] = { { 20, ECONNREFUSED }, { 400, EHOSTUNREACH } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, INFINITY);
	assert_int_equal(he_simulate(&h, o), -1);
	assert_attempt(&att[0], HE_FAILED, 0, 20, ECONNREFUSED);
	assert_attempt(&att[1], HE_FAILED, 20, 420, EHOSTUNREACH);
	assert_ms(h.end_ms, 420);
}

/* --timeout: attempts still running end with ETIME, not ETIMEDOUT. */
static void test_deadline(void **state)
{
	const struct he_outcome o[] = { HANG, HANG, HANG };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), 250, 400);
	assert_int_equal(he_simulate(&h, o), -1);
	assert_attempt(&att[0], HE_FAILED, 0, 400, ETIME);
	assert_attempt(&att[1], HE_FAILED, 250, 400, ETIME);
	assert_attempt(&att[2], HE_PENDING, 0, 0, 0);
	assert_ms(h.end_ms, 400);
}

/* A negative delay is the classic loop: one at a time, in order. */
static void test_sequential(void **state)
{
	const struct he_outcome o[] = { { 3070, ETIMEDOUT }, { 1, ENETUNREACH }, { 20, 0 } };
	struct he_attempt att[N(o)];
	struct he h;

	(void)state;
	he_init(&h, att, N(o), -1, INFINITY);
	assert_int_equal(he_simulate(&h, o), 2);
	assert_attempt(&att[0], HE_FAILED, 0, 3070, ETIMEDOUT);
	assert_attempt(&att[1], HE_FAILED, 3070, 3071, ENETUNREACH);
	assert_attempt(&att[2], HE_CONNECTED, 3071, 3091, 0);
	assert_ms(h.end_ms, 3091);
}

/* The step interface as the real driver uses it. */
static void test_steps(void **state)
{
	struct he_attempt att[2];
	struct he_step st;
	struct he h;

	(void)state;
	he_init(&h, att, 2, 250, 1000);
	st = he_next(&h, 0);
	assert_int_equal(st.action, HE_START);
	assert_int_equal(st.index, 0);
	st = he_next(&h, 1);
	assert_int_equal(st.action, HE_WAIT);
	assert_ms(st.until_ms, 250);
	st = he_next(&h, 249.9);
	assert_int_equal(st.action, HE_WAIT);
	st = he_next(&h, 250);
	assert_int_equal(st.action, HE_START);
	assert_int_equal(st.index, 1);
	/* All started: wait for an outcome, at most until the deadline. */
	st = he_next(&h, 260);
	assert_int_equal(st.action, HE_WAIT);
	assert_ms(st.until_ms, 1000);
	/* Reports for attempts that do not run are ignored. */
	assert_false(he_report(&h, 5, 270, 0));
	assert_true(he_report(&h, 1, 280, 0));
	assert_false(he_report(&h, 1, 281, ECONNRESET));
	st = he_next(&h, 290);
	assert_int_equal(st.action, HE_DONE);
	assert_int_equal(h.winner, 1);
	assert_attempt(&att[0], HE_FAILED, 0, 290, ECANCELED);
	assert_attempt(&att[1], HE_CONNECTED, 250, 280, 0);
	/* The total is the winner's time, not when the caller looked. */
	assert_ms(h.end_ms, 280);
	st = he_next(&h, 5000);
	assert_int_equal(st.action, HE_DONE);
	assert_false(he_report(&h, 0, 5000, 0));
}

/* No addresses at all: done at once, no winner. */
static void test_empty(void **state)
{
	struct he_attempt att[1];
	struct he h;

	(void)state;
	he_init(&h, att, 0, 250, INFINITY);
	assert_int_equal(he_next(&h, 0).action, HE_DONE);
	assert_int_equal(h.winner, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleave),
		cmocka_unit_test(test_clamp_delay),
		cmocka_unit_test(test_blackhole_delay_plus_rtt),
		cmocka_unit_test(test_failure_starts_next_at_once),
		cmocka_unit_test(test_immediate_failure),
		cmocka_unit_test(test_pacing_and_cancel),
		cmocka_unit_test(test_failure_while_another_runs),
		cmocka_unit_test(test_all_fail),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_sequential),
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_empty),
	};
	return cmocka_run_group_tests_name("he", tests, NULL, NULL);
}
