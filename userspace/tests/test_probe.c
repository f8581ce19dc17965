// SPDX-License-Identifier: GPL-2.0
/*
 * The pure part of v6fix clientprobe (probe.c): the capture's lines, the
 * attempts and their interleaving, the reaction to a fault, and the
 * bisection against scripted clients: exact, noisy near the boundary, and
 * misled once far from it.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "probe.h"

static void test_parse(void **state)
{
	static const char cap[] =
		"syn 1000.000100 6 40001 2001:db8:2::2\n"
		"garbage line\n"
		"synack 1000.100600 6 40001\n"
		"dnsa 999.990000\n"
		"syn 1000.250000 4 40002 192.0.2.130\n"
		"syn 1001.000100 6 40001 2001:db8:2::2\n"
		"syn 1001.5 5 1 x\n";
	struct probe_trace t;

	(void)state;
	probe_parse(cap, &t);
	assert_int_equal(t.nsyn, 3);	/* family 5 is no family */
	assert_true(fabs(t.syn[0].t_ms - 1000000.1) < 1e-6);
	assert_int_equal(t.syn[1].family, 4);
	assert_int_equal(t.syn[1].sport, 40002);
	assert_string_equal(t.syn[1].dst, "192.0.2.130");
	assert_true(fabs(t.synack6_ms - 1000100.6) < 1e-6);
	assert_true(fabs(t.dnsa_ms - 999990.0) < 1e-6);
	assert_true(fabs(probe_first_syn(&t, 4) - probe_first_syn(&t, 6) - 249.9) < 1e-6);
	probe_parse("", &t);
	assert_int_equal(t.nsyn, 0);
	assert_true(isnan(t.synack6_ms) && isnan(probe_first_syn(&t, 6)));
}

/* @fams: one character per SYN, '6' or '4'; @ports: its source port. */
static void trace(struct probe_trace *t, const char *fams, const unsigned int *ports)
{
	t->nsyn = 0;
	for (size_t i = 0; fams[i]; i++) {
		t->syn[i] = (struct probe_syn){ .t_ms = 10.0 * (double)i, .family = fams[i] - '0',
						.sport = ports[i] };
		t->nsyn++;
	}
}

static int inter(const char *fams, const unsigned int *ports, size_t *n)
{
	const struct probe_syn *a[PROBE_MAX_SYN];
	struct probe_trace t;

	trace(&t, fams, ports);
	*n = probe_attempts(&t, a, PROBE_MAX_SYN);
	return probe_interleaves(a, *n);
}

static void test_interleaves(void **state)
{
	const unsigned int p[] = { 1, 2, 3, 4, 5, 6 };
	const unsigned int retx[] = { 1, 1, 2, 3, 3, 4 };	/* kernel retransmissions */
	size_t n;

	(void)state;
	assert_int_equal(inter("6464", p, &n), 1);
	assert_int_equal(n, 4);
	assert_int_equal(inter("6644", p, &n), 0);	/* grouped: curl, wget */
	assert_int_equal(inter("6446", p, &n), 1);
	assert_int_equal(inter("664", p, &n), -1);	/* one IPv4 address tried */
	assert_int_equal(inter("66", p, &n), -1);
	/* A retransmission (same port) is no new attempt. */
	assert_int_equal(inter("666444", retx, &n), 0);
	assert_int_equal(n, 4);
}

static void test_react(void **state)
{
	const unsigned int p[] = { 1, 2, 3, 4, 5, 6 };
	const unsigned int same[] = { 1, 1, 1, 1, 1 };
	struct probe_reaction r;
	struct probe_trace t;

	(void)state;
	trace(&t, "64", p);	/* IPv6 SYN at 0, IPv4 at 10 */
	probe_react(&t, false, 500, &r);
	assert_string_equal(r.outcome, "fell_back_ipv4");
	assert_true(fabs(r.after_ms - 10) < 1e-9);
	assert_int_equal(r.v6_connects, 1);
	trace(&t, "66666", same);	/* the kernel's SYN retries, killed */
	probe_react(&t, true, 5000, &r);
	assert_string_equal(r.outcome, "still_waiting");
	assert_int_equal(r.v6_syns, 5);
	assert_true(fabs(r.after_ms - 5000) < 1e-9);
	trace(&t, "666", p);	/* three connect()s, no IPv4 */
	probe_react(&t, false, 100, &r);
	assert_string_equal(r.outcome, "retried_then_gave_up");
	probe_react(&t, true, 100, &r);
	assert_string_equal(r.outcome, "retrying_ipv6");
	trace(&t, "6", p);
	probe_react(&t, false, 30, &r);
	assert_string_equal(r.outcome, "gave_up");
	trace(&t, "4", p);
	probe_react(&t, false, 30, &r);
	assert_string_equal(r.outcome, "ipv4_only");
	assert_true(isnan(r.after_ms));
	trace(&t, "", p);
	probe_react(&t, false, 30, &r);
	assert_string_equal(r.outcome, "no_attempt");
}

/*
 * A scripted client: starts IPv4 when x > cad; with @noise, every trial
 * within noise ms of the boundary answers the other way every second time;
 * @lie_at: the first trial at that exact delay answers wrong (a late timer).
 */
struct client {
	double cad, noise, lie_at;
	bool lied;
	unsigned int trials, flip;
	double trace[256];
};

static int client_trial(void *ctx, double x)
{
	struct client *c = ctx;
	int yes = x > c->cad;

	if (c->trials < 256)
		c->trace[c->trials] = x;
	c->trials++;
	if (!c->lied && x == c->lie_at) {
		c->lied = true;
		return !yes;
	}
	if (c->noise > 0 && fabs(x - c->cad) < c->noise && (c->flip++ % 3) == 2)
		return !yes;
	return yes;
}

static int client_fails(void *ctx, double x)
{
	(void)ctx;
	(void)x;
	return -1;
}

static void bisect_ok(struct client *c, unsigned int runs, double max, double tol,
		      unsigned int max_trials)
{
	double lo, hi;

	assert_int_equal(probe_bisect(client_trial, c, max, runs, &lo, &hi, NULL), 0);
	assert_true(hi - lo <= PROBE_PRECISION_MS);
	if (fabs((lo + hi) / 2 - c->cad) > tol || c->trials > max_trials)
		fail_msg("cad %.1f: bracket %.2f-%.2f in %u trials (want +-%.1f, <= %u)", c->cad,
			 lo, hi, c->trials, tol, max_trials);
}

static void test_bisect_exact(void **state)
{
	static const double cads[] = { 0.5, 100, 200, 250, 300, 1999 };

	(void)state;
	for (size_t i = 0; i < sizeof(cads) / sizeof(cads[0]); i++) {
		struct client c = { .cad = cads[i], .lie_at = -1 };

		/* 10 halvings, 5 of them near (2 trials each, no disagreement). */
		bisect_ok(&c, 3, 2000, 1.0, 30);
	}
}

static void test_bisect_noisy(void **state)
{
	/* A third of the trials within 3 ms answer wrong: the majority holds. */
	struct client c = { .cad = 200, .noise = 3, .lie_at = -1 };

	(void)state;
	bisect_ok(&c, 3, 2000, 2.0, 45);
}

static void test_bisect_misled(void **state)
{
	/*
	 * CAD 80 ms; the far step at 125 ms (bracket 0-250) says "no" once
	 * (the client's timer 50 ms late): the bisection goes to 125-250, the
	 * check at the bracket's low side finds the truth below, and the
	 * second bisection ends at 80.
	 */
	struct client c = { .cad = 80, .lie_at = 125 };

	(void)state;
	bisect_ok(&c, 3, 2000, 1.0, 60);
	assert_true(c.lied);
}

static void test_bisect_error(void **state)
{
	double lo, hi;

	(void)state;
	assert_int_equal(probe_bisect(client_fails, NULL, 2000, 3, &lo, &hi, NULL), -1);
}

static void test_decide(void **state)
{
	struct client c = { .cad = 100, .lie_at = 150 };

	(void)state;
	/* Far, confirm: the lying "no" at 150 decides alone (a no is not confirmed). */
	assert_int_equal(probe_decide(client_trial, &c, 150, 3, true, false), 0);
	assert_int_equal(c.trials, 1);
	/* Far, a "yes" is confirmed best of three: 2 more agreeing trials. */
	assert_int_equal(probe_decide(client_trial, &c, 120, 3, true, false), 1);
	assert_int_equal(c.trials, 3);
	/* Near: the majority of 5, stopped at 3 agreeing. */
	assert_int_equal(probe_decide(client_trial, &c, 90, 5, false, true), 0);
	assert_int_equal(c.trials, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_interleaves),
		cmocka_unit_test(test_react),
		cmocka_unit_test(test_bisect_exact),
		cmocka_unit_test(test_bisect_noisy),
		cmocka_unit_test(test_bisect_misled),
		cmocka_unit_test(test_bisect_error),
		cmocka_unit_test(test_decide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
