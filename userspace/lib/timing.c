// SPDX-License-Identifier: GPL-2.0
/* The timing model of SYN retransmissions and ND failure (see timing.h). */
#include <stdio.h>

#include "timing.h"

/*
 * tcp_model_timeout(): the exponential budget for @retries with a 1 s base.
 * Doubling stops at ilog2(TCP_RTO_MAX / base) = ilog2(120) = 6 doublings;
 * each further retry adds TCP_RTO_MAX.
 */
static double budget_ms(unsigned int retries)
{
	const unsigned int thresh = 6;

	if (retries <= thresh)
		return (double)((2u << retries) - 1) * V6FIX_TCP_TIMEOUT_INIT_MS;
	return (double)((2u << thresh) - 1) * V6FIX_TCP_TIMEOUT_INIT_MS +
	       (double)(retries - thresh) * V6FIX_TCP_RTO_MAX_MS;
}

size_t v6fix_syn_schedule(const struct v6fix_syn_model *m, double *at, size_t max,
			  double *giveup_ms)
{
	unsigned int retries = m->syn_retries ? m->syn_retries : 1;
	unsigned int linear = m->linear_timeouts > 0 ? (unsigned int)m->linear_timeouts : 0;
	double budget = budget_ms(retries), rto = V6FIX_TCP_TIMEOUT_INIT_MS, t = 0;
	size_t n = 0;

	for (;;) {
		t += rto;	/* the retransmission timer fires */
		/*
		 * tcp_write_timeout() runs first; it never expires before the
		 * first retransmission (retransmits_timed_out() needs one).
		 */
		if (n > 0 && t >= budget)
			break;
		if (n < max && at)
			at[n] = t;
		n++;
		/* icsk_backoff is now n: linear while it is <= linear. */
		if (n > linear) {
			rto *= 2;
			if (rto > V6FIX_TCP_RTO_MAX_MS)
				rto = V6FIX_TCP_RTO_MAX_MS;
		}
	}
	if (giveup_ms)
		*giveup_ms = t;
	return n;
}

double v6fix_syn_giveup_ms(const struct v6fix_syn_model *m)
{
	double g;

	v6fix_syn_schedule(m, NULL, 0, &g);
	return g;
}

double v6fix_syn_retransmit_ms(const struct v6fix_syn_model *m, unsigned int n)
{
	double at[256];
	size_t total;

	if (n == 0)
		return 0;
	total = v6fix_syn_schedule(m, at, sizeof(at) / sizeof(at[0]), NULL);
	if (n > total || n > sizeof(at) / sizeof(at[0]))
		return -1;
	return at[n - 1];
}

double v6fix_nd_fail_ms(unsigned int mcast_solicit, unsigned int retrans_time_ms)
{
	return (double)mcast_solicit * (double)retrans_time_ms;
}

int v6fix_kernel_version(const char *release, unsigned int *major, unsigned int *minor)
{
	unsigned int a, b;
	int n = 0;

	if (!release || sscanf(release, "%u.%u%n", &a, &b, &n) != 2 || n == 0)
		return -1;
	*major = a;
	*minor = b;
	return 0;
}

bool v6fix_kernel_has_syn_linear(unsigned int major, unsigned int minor)
{
	return major > 6 || (major == 6 && minor >= 5);
}
