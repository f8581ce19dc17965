/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The explicit model behind the matrix's predictions: for a fault of the
 * fault catalog (netns-tests/scenario/faults.sh), a soft-error policy, a client
 * algorithm and a kernel, when does each connection attempt end, with
 * which errno, who wins, and why. It composes the SYN retransmission
 * schedule and ND timers (timing.h) with the client's scheduler (he.h, run
 * on a virtual clock), so the measured cell and its prediction come from
 * the same definitions.
 *
 * Time 0 is the client's first SYN; the path delay D is one way (RTT 2 D).
 * What the model ignores, and the matrix therefore shows as deviation:
 * process start-up, name resolution, scheduling noise, and under TCG the
 * first packets' slowness.
 */
#ifndef V6FIX_MODEL_H
#define V6FIX_MODEL_H

#include <stdbool.h>

#include "timing.h"

enum v6fix_fault {
	V6FIX_FAULT_HEALTHY,
	V6FIX_FAULT_NO_V6_LISTENER,
	V6FIX_FAULT_ICMP6_UNREACH,	/* code 0-6 */
	V6FIX_FAULT_ICMP6_TIME_EXCEEDED,
	V6FIX_FAULT_V6_BLACKHOLE,
	V6FIX_FAULT_NO_V6_ROUTE,
	V6FIX_FAULT_ONLINK,
	V6FIX_FAULT_ICMP6_FILTERED,	/* the client drops the router's errors */
	V6FIX_FAULT_CLIENT_REJECT,	/* code 0-6, delivered under the socket lock */
	V6FIX_FAULT_V4_UNREACH,		/* code 0-15, for IPv4 */
	V6FIX_FAULT_NR
};

/* No module loaded: the stock kernel (behaves as V6FIX_POLICY_PASS). */
#define V6FIX_POLICY_STOCK (-1)

enum v6fix_algo {
	V6FIX_ALGO_SEQ,	/* getaddrinfo order, one blocking connect() after another */
	V6FIX_ALGO_HE,	/* Happy Eyeballs v2 with a Connection Attempt Delay */
	V6FIX_ALGO_FIRST,	/* the first getaddrinfo() address only, no fallback */
};

struct v6fix_scenario {
	enum v6fix_fault fault;
	int code;			/* ICMP(v6) code for the faults that take one */
	int policy6, policy4;		/* enum v6fix_policy or V6FIX_POLICY_STOCK */
	unsigned int bsd_retries;
	struct v6fix_syn_model syn;
	double delay_ms;		/* one-way path delay D */
	unsigned int nd_solicit;	/* mcast_solicit (onlink) */
	unsigned int nd_retrans_ms;	/* retrans_time_ms (onlink) */
	enum v6fix_algo algo;
	double he_delay_ms;		/* Connection Attempt Delay (he) */
	bool only_v4, only_v6;		/* -4 / -6 */
};

/* One predicted attempt. */
struct v6fix_pred_attempt {
	int family;			/* AF_INET6 or AF_INET */
	double start_ms, end_ms;
	int err;			/* 0 connected; errno; ECANCELED when it lost */
};

struct v6fix_prediction {
	struct v6fix_pred_attempt att[2];
	int n;
	int winner;			/* index into att, or -1 */
	double total_ms;
	char why[224];			/* one sentence: what decided the IPv6 attempt */
};

/* Fill @s with the defaults: healthy, stock, seq, 6.12-like SYN model. */
void v6fix_scenario_init(struct v6fix_scenario *s);

/* 0, or -EINVAL when the scenario is inconsistent (code out of range...). */
int v6fix_predict(const struct v6fix_scenario *s, struct v6fix_prediction *p);

struct he_outcome;
/*
 * The families a client tries and their outcomes, in its resolver's order:
 * IPv6 first unless @v4_first (RFC 6724 rule 1 with no IPv6 route); the
 * family the scenario leaves out (only_v4, only_v6) is skipped. Fills @fam
 * (AF_INET6, AF_INET) and @outs; returns how many (0 to 2).
 */
int v6fix_model_order(const struct v6fix_scenario *s, bool v4_first,
		      const struct he_outcome *o6, const struct he_outcome *o4,
		      int fam[2], struct he_outcome *outs);

/* Names as in netns-tests/scenario/faults.sh ("icmp6_unreach"), and back (-1). */
const char *v6fix_fault_name(enum v6fix_fault f);
int v6fix_fault_parse(const char *name);

/* The errno stock Linux gives an ICMPv6 dest-unreach code / ICMP code. */
int v6fix_icmp6_unreach_errno(int code, bool *soft);
int v6fix_icmp4_unreach_errno(int code, bool *soft);

#endif
