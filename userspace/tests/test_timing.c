// SPDX-License-Identifier: GPL-2.0
/*
 * The timing model (timing.c): SYN retransmission schedules and give-up
 * times for kernels with and without tcp_syn_linear_timeouts, checked
 * against the kernel's arithmetic and against times measured on this
 * project's machines, and the ND failure delay.
 */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "timing.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void check_schedule(unsigned int retries, int linear, const double *want, size_t n,
			   double want_giveup)
{
	const struct v6fix_syn_model m = { .syn_retries = retries, .linear_timeouts = linear };
	double at[64], giveup = -1;
	size_t got = v6fix_syn_schedule(&m, at, N(at), &giveup);

	if (got != n)
		fail_msg("retries %u linear %d: %zu retransmissions, want %zu", retries, linear,
			 got, n);
	for (size_t i = 0; i < n; i++)
		if (at[i] != want[i])
			fail_msg("retries %u linear %d: retransmission %zu at %.0f ms, want %.0f",
				 retries, linear, i + 1, at[i], want[i]);
	if (giveup != want_giveup)
		fail_msg("retries %u linear %d: gives up at %.0f ms, want %.0f", retries, linear,
			 giveup, want_giveup);
	assert_true(v6fix_syn_giveup_ms(&m) == want_giveup);
}

/* Before 6.5 (Debian's 6.1) and with linear = 0: 1, 2, 4, ... s gaps. */
static void test_classic(void **state)
{
	static const double r1[] = { 1000 };
	static const double r2[] = { 1000, 3000 };
	static const double r3[] = { 1000, 3000, 7000 };
	static const double r6[] = { 1000, 3000, 7000, 15000, 31000, 63000 };
	/* Past 6 doublings the RTO stays at TCP_RTO_MAX (120 s). */
	static const double r8[] = { 1000, 3000, 7000, 15000, 31000, 63000, 127000, 247000 };

	(void)state;
	for (int linear = -1; linear <= 0; linear++) {
		check_schedule(1, linear, r1, N(r1), 3000);
		check_schedule(2, linear, r2, N(r2), 7000);
		check_schedule(3, linear, r3, N(r3), 15000);
		check_schedule(6, linear, r6, N(r6), 127000);
		check_schedule(8, linear, r8, N(r8), 367000);
	}
}

/* 6.5+ with the default linear = 4: gaps 1,1,1,1,1,2,4,8... s. */
static void test_linear_default(void **state)
{
	static const double r1[] = { 1000, 2000 };
	static const double r2[] = { 1000, 2000, 3000, 4000, 5000 };
	static const double r3[] = { 1000, 2000, 3000, 4000, 5000, 7000, 11000 };
	static const double r6[] = { 1000, 2000, 3000, 4000, 5000, 7000, 11000, 19000, 35000,
				      67000 };

	(void)state;
	/* The budget is still the classic one: 3, 7, 15, 127 s... */
	check_schedule(1, 4, r1, N(r1), 3000);
	check_schedule(2, 4, r2, N(r2), 7000);
	/* ...reached at the first timer firing at or after it. */
	check_schedule(3, 4, r3, N(r3), 19000);
	check_schedule(6, 4, r6, N(r6), 131000);
}

/* Other linear settings, measured on Debian 6.12 in the VM. */
static void test_linear_other(void **state)
{
	static const double l1r1[] = { 1000, 2000 };
	static const double l2r2[] = { 1000, 2000, 3000, 5000 };

	(void)state;
	check_schedule(1, 1, l1r1, N(l1r1), 4000);
	check_schedule(2, 2, l2r2, N(l2r2), 9000);
}

/*
 * Times measured with a blackholed path (field notes and this project's VM
 * runs): the model must predict each within the timer wheel's slack
 * (late by up to 1/8 of a timeout, never early beyond jitter).
 */
static void test_measured(void **state)
{
	static const struct {
		unsigned int retries;
		int linear;
		double measured_ms;
	} m[] = {
		/* host 6.18, field notes */
		{ 1, 4, 3060 }, { 2, 4, 7140 }, { 3, 4, 19460 }, { 6, 4, 133700 },
		{ 1, 0, 3040 }, { 2, 0, 7300 }, { 3, 0, 15440 },
		/* Debian 6.12.117 under QEMU */
		{ 1, 1, 4124 }, { 2, 2, 9301 }, { 3, 4, 19571 }, { 6, 4, 135199 },
		/* Debian 6.1.0-56 under QEMU (no linear timeouts) */
		{ 1, -1, 3203 }, { 2, -1, 7128 }, { 3, -1, 15449 }, { 6, -1, 130899 },
	};

	(void)state;
	for (size_t i = 0; i < N(m); i++) {
		const struct v6fix_syn_model sm = { m[i].retries, m[i].linear };
		double model = v6fix_syn_giveup_ms(&sm);

		if (m[i].measured_ms < model - 50 || m[i].measured_ms > model * 1.125 + 250)
			fail_msg("retries %u linear %d: model %.0f ms, measured %.0f ms",
				 m[i].retries, m[i].linear, model, m[i].measured_ms);
	}
}

static void test_retransmit_n(void **state)
{
	const struct v6fix_syn_model lin = { 6, 4 }, old = { 6, -1 }, one = { 1, 4 };

	(void)state;
	assert_true(v6fix_syn_retransmit_ms(&lin, 0) == 0);
	assert_true(v6fix_syn_retransmit_ms(&lin, 1) == 1000);
	assert_true(v6fix_syn_retransmit_ms(&lin, 4) == 4000);
	assert_true(v6fix_syn_retransmit_ms(&lin, 6) == 7000);
	assert_true(v6fix_syn_retransmit_ms(&old, 4) == 15000);
	assert_true(v6fix_syn_retransmit_ms(&old, 7) < 0);
	assert_true(v6fix_syn_retransmit_ms(&one, 2) == 2000);
	assert_true(v6fix_syn_retransmit_ms(&one, 3) < 0);
}

static void test_nd(void **state)
{
	(void)state;
	/* Kernel defaults: 3 solicitations, 1 s apart (measured 3.05 s). */
	assert_true(v6fix_nd_fail_ms(3, 1000) == 3000);
	assert_true(v6fix_nd_fail_ms(1, 1000) == 1000);
	assert_true(v6fix_nd_fail_ms(2, 250) == 500);
}

static void test_kernel_version(void **state)
{
	unsigned int a, b;

	(void)state;
	assert_int_equal(v6fix_kernel_version("6.1.0-56-amd64", &a, &b), 0);
	assert_int_equal(a, 6);
	assert_int_equal(b, 1);
	assert_false(v6fix_kernel_has_syn_linear(a, b));
	assert_int_equal(v6fix_kernel_version("6.12.117+deb12-amd64", &a, &b), 0);
	assert_int_equal(b, 12);
	assert_true(v6fix_kernel_has_syn_linear(a, b));
	assert_true(v6fix_kernel_has_syn_linear(6, 5));
	assert_false(v6fix_kernel_has_syn_linear(6, 4));
	assert_false(v6fix_kernel_has_syn_linear(5, 19));
	assert_true(v6fix_kernel_has_syn_linear(7, 0));
	assert_int_equal(v6fix_kernel_version("linux", &a, &b), -1);
	assert_int_equal(v6fix_kernel_version("6", &a, &b), -1);
	assert_int_equal(v6fix_kernel_version(NULL, &a, &b), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classic),
		cmocka_unit_test(test_linear_default),
		cmocka_unit_test(test_linear_other),
		cmocka_unit_test(test_measured),
		cmocka_unit_test(test_retransmit_n),
		cmocka_unit_test(test_nd),
		cmocka_unit_test(test_kernel_version),
	};
	return cmocka_run_group_tests_name("timing", tests, NULL, NULL);
}
