/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timing model behind the matrix's predictions: when Linux retransmits a
 * SYN and when connect() gives up with ETIMEDOUT, for a kernel's
 * tcp_syn_retries and tcp_syn_linear_timeouts, and how long IPv6 neighbour
 * discovery takes to fail. Pure arithmetic, no system calls.
 *
 * SYN retransmissions (net/ipv4/tcp_timer.c): the first RTO is
 * TCP_TIMEOUT_INIT (1 s). Each time the retransmission timer fires the SYN is
 * sent again and the RTO doubles (capped at TCP_RTO_MAX, 120 s), except that
 * since Linux 6.5 the first tcp_syn_linear_timeouts firings keep it at 1 s.
 * With linear = 4 the gaps are 1,1,1,1,1,2,4,8... s; before 6.5, and with
 * linear = 0, they are 1,2,4,8... s.
 *
 * Giving up: the connection is dropped at the first firing of the timer at
 * which the time since the first SYN reaches the classic exponential budget
 * for tcp_syn_retries, tcp_model_timeout() = (2^(retries+1) - 1) * 1 s while
 * that stays below the RTO cap, then + 120 s per further retry. With the
 * classic schedule that firing is the one after the retries-th
 * retransmission (3, 7, 15, 31, 63, 127 s); with linear timeouts it is the
 * first firing at or after the budget. Measured on this project's machines
 * (field notes): 3.06 / 7.14 / 19.46 / 133.7 s for retries 1/2/3/6 with
 * linear = 4, and 3.04 / 7.30 / 15.44 s with linear = 0.
 */
#ifndef V6FIX_TIMING_H
#define V6FIX_TIMING_H

#include <stdbool.h>
#include <stddef.h>

#define V6FIX_TCP_TIMEOUT_INIT_MS 1000.0	/* TCP_TIMEOUT_INIT */
#define V6FIX_TCP_RTO_MAX_MS 120000.0		/* TCP_RTO_MAX */
#define V6FIX_SYN_LINEAR_DEFAULT 4		/* tcp_syn_linear_timeouts, 6.5+ */
#define V6FIX_SYN_RETRIES_DEFAULT 6		/* tcp_syn_retries */

struct v6fix_syn_model {
	unsigned int syn_retries;	/* net.ipv4.tcp_syn_retries (1..127) */
	/*
	 * net.ipv4.tcp_syn_linear_timeouts, or -1 for a kernel without it
	 * (before 6.5), which behaves like 0.
	 */
	int linear_timeouts;
};

/*
 * The SYN's retransmission times in ms after the first SYN, in order, into
 * @at (at most @max of them), and the time connect() fails with ETIMEDOUT
 * into *@giveup_ms. Returns the number of retransmissions the kernel makes
 * (which may exceed @max: only @max are stored).
 */
size_t v6fix_syn_schedule(const struct v6fix_syn_model *m, double *at, size_t max,
			  double *giveup_ms);

/* When connect() fails with ETIMEDOUT on a silent path, in ms. */
double v6fix_syn_giveup_ms(const struct v6fix_syn_model *m);

/*
 * The time of the @n-th retransmission (1-based) in ms after the first SYN,
 * or a negative value when the kernel gives up before sending it.
 */
double v6fix_syn_retransmit_ms(const struct v6fix_syn_model *m, unsigned int n);

/*
 * How long a packet waits in the neighbour queue before the kernel reports
 * the neighbour unreachable (ICMPv6 address unreachable to itself): one
 * solicitation every retrans_time_ms, mcast_solicit of them.
 */
double v6fix_nd_fail_ms(unsigned int mcast_solicit, unsigned int retrans_time_ms);

/*
 * Parse a kernel release ("6.12.117+deb12-amd64") into major and minor;
 * 0 on success, -1 if it does not start with "N.N".
 */
int v6fix_kernel_version(const char *release, unsigned int *major, unsigned int *minor);

/* Whether that kernel has net.ipv4.tcp_syn_linear_timeouts (6.5 and later). */
bool v6fix_kernel_has_syn_linear(unsigned int major, unsigned int minor);

#endif
