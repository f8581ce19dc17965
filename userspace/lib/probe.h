/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What v6fix clientprobe makes of its trials, apart from running them:
 * the capture's lines (the scenario's "capture stop"), the attempts and
 * their order, a client's reaction to a fault, and the noisy bisection
 * over a delay. No I/O here: the unit tests feed canned captures and a
 * scripted client (userspace/tests/test_probe.c).
 */
#ifndef V6FIX_PROBE_H
#define V6FIX_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#define PROBE_MAX_SYN 64
#define PROBE_PRECISION_MS 2.0	/* the bisection's last bracket */
#define PROBE_NEAR_MS 32.0	/* brackets this narrow: the majority of trials */

struct probe_syn {
	double t_ms;		/* capture time, ms since the epoch */
	int family;		/* 4 or 6 */
	unsigned int sport;
	char dst[48];
};

/* One trial's capture at the router's client side. */
struct probe_trace {
	size_t nsyn;
	struct probe_syn syn[PROBE_MAX_SYN];	/* the client's SYNs, in order */
	double synack6_ms;	/* the first IPv6 SYN-ACK to the client, or NAN */
	double dnsa_ms;		/* the first DNS answer with an A record, or NAN */
};

/*
 * Lines "syn TIME_S FAMILY SPORT DADDR", "synack TIME_S FAMILY DPORT" and
 * "dnsa TIME_S" (netns-tests/scenario/clientprobe.sh); others are skipped.
 */
void probe_parse(const char *text, struct probe_trace *t);

/* The first SYN of @family (4, 6), in ms, or NAN. */
double probe_first_syn(const struct probe_trace *t, int family);

/* The connection attempts: the first SYN of each source port, in order. */
size_t probe_attempts(const struct probe_trace *t, const struct probe_syn **a, size_t max);

/*
 * Do the attempts alternate families? 0 when grouped (all of one family,
 * then the other), 1 when not, -1 when fewer than two of each were tried.
 */
int probe_interleaves(const struct probe_syn *const *a, size_t n);

struct probe_reaction {
	const char *outcome;	/* fell_back_ipv4 gave_up retried_then_gave_up
				   still_waiting retrying_ipv6 ipv4_only no_attempt */
	double after_ms;	/* first IPv6 SYN to the first IPv4 SYN (or the end) */
	unsigned int v6_connects, v6_syns;
};

/*
 * What a client did under a fault, from its capture: @timed_out when it
 * was killed at the trial's limit, @end_ms when it ended (same clock).
 */
void probe_react(const struct probe_trace *t, bool timed_out, double end_ms,
		 struct probe_reaction *r);

/*
 * One trial at delay @x: 1 when the client started IPv4, 0 when not, -1 on
 * error.
 */
typedef int (*probe_trial_fn)(void *ctx, double x);

/*
 * Did the client start IPv4 at @x? Far from the boundary (!@near) one
 * trial decides, a "yes" confirmed best of three when @confirm; near it
 * the majority of @runs trials, stopped once decided (a tie is a no).
 * 1, 0, or -1 when a trial failed.
 */
int probe_decide(probe_trial_fn trial, void *ctx, double x, unsigned int runs, bool confirm,
		 bool near);

/*
 * Bisection over [0, @max] to a PROBE_PRECISION_MS bracket (@lo, @hi) of
 * the delay above which the client starts IPv4; steps within
 * PROBE_NEAR_MS are probe_decide()'s majority of @runs. Then the bracket
 * is checked PROBE_NEAR_MS / 2 to each side by the majority and, when a
 * far step was misled, bisected again on the other side (twice at most).
 * @progress (may be NULL) is told each bracket. 0, or -1 when a trial failed.
 */
int probe_bisect(probe_trial_fn trial, void *ctx, double max, unsigned int runs, double *lo,
		 double *hi, void (*progress)(void *ctx, double lo, double hi));

#endif
