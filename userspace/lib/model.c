// SPDX-License-Identifier: GPL-2.0
/* The prediction model of the fallback matrix (see model.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "he.h"
#include "model.h"
#include "uapi/v6fix.h"

static const char *const fault_names[V6FIX_FAULT_NR] = {
	[V6FIX_FAULT_HEALTHY] = "healthy",
	[V6FIX_FAULT_NO_V6_LISTENER] = "no_v6_listener",
	[V6FIX_FAULT_ICMP6_UNREACH] = "icmp6_unreach",
	[V6FIX_FAULT_ICMP6_TIME_EXCEEDED] = "icmp6_time_exceeded",
	[V6FIX_FAULT_V6_BLACKHOLE] = "v6_blackhole",
	[V6FIX_FAULT_NO_V6_ROUTE] = "no_v6_route",
	[V6FIX_FAULT_ONLINK] = "onlink",
	[V6FIX_FAULT_ICMP6_FILTERED] = "icmp6_filtered",
	[V6FIX_FAULT_CLIENT_REJECT] = "client_reject",
	[V6FIX_FAULT_V4_UNREACH] = "v4_unreach",
};

const char *v6fix_fault_name(enum v6fix_fault f)
{
	return (unsigned int)f < V6FIX_FAULT_NR ? fault_names[f] : NULL;
}

int v6fix_fault_parse(const char *name)
{
	for (int i = 0; i < V6FIX_FAULT_NR; i++)
		if (!strcmp(name, fault_names[i]))
			return i;
	return -1;
}

/* icmpv6_err_convert(): codes 0, 2, 3 are soft, the others fatal. */
int v6fix_icmp6_unreach_errno(int code, bool *soft)
{
	static const int map[] = { ENETUNREACH, EACCES, EHOSTUNREACH, EHOSTUNREACH,
				   ECONNREFUSED, EACCES, EACCES };

	if (code < 0 || code > 6)
		return -EINVAL;
	*soft = code == 0 || code == 2 || code == 3;
	return map[code];
}

/* icmp_err_convert[]: RFC 1122's soft codes 0, 1, 5 are the non-fatal ones. */
int v6fix_icmp4_unreach_errno(int code, bool *soft)
{
	static const int map[] = { ENETUNREACH, EHOSTUNREACH, ENOPROTOOPT, ECONNREFUSED,
				   EMSGSIZE, EOPNOTSUPP, ENETUNREACH, EHOSTDOWN, ENONET,
				   ENETUNREACH, EHOSTUNREACH, ENETUNREACH, EHOSTUNREACH,
				   EHOSTUNREACH, EHOSTUNREACH, EHOSTUNREACH };

	if (code < 0 || code > 15)
		return -EINVAL;
	/* icmp_err_convert[]'s non-fatal codes but 4 (path MTU discovery). */
	*soft = code == 0 || code == 1 || code == 5 || code == 11 || code == 12;
	return map[code];
}

void v6fix_scenario_init(struct v6fix_scenario *s)
{
	memset(s, 0, sizeof(*s));
	s->fault = V6FIX_FAULT_HEALTHY;
	s->policy6 = s->policy4 = V6FIX_POLICY_STOCK;
	s->bsd_retries = 3;
	s->syn.syn_retries = V6FIX_SYN_RETRIES_DEFAULT;
	s->syn.linear_timeouts = V6FIX_SYN_LINEAR_DEFAULT;
	s->nd_solicit = 3;
	s->nd_retrans_ms = 1000;
	s->algo = V6FIX_ALGO_SEQ;
	s->he_delay_ms = HE_DEFAULT_DELAY_MS;
}

/*
 * A soft error for a SYN-SENT socket: the router (or the client itself)
 * answers every SYN, the first one at @first_ms after the first SYN and each
 * retransmission @lag_ms after it leaves. @locked: the first error arrives
 * while connect() holds the socket lock.
 */
static void soft_outcome(const struct v6fix_scenario *s, int policy, int err, double first_ms,
			 double lag_ms, bool locked, struct he_outcome *o, char *why, size_t wl)
{
	double giveup = v6fix_syn_giveup_ms(&s->syn);
	const char *errname = strerror(err);

	switch (policy) {
	case V6FIX_POLICY_HARD:
		o->after_ms = first_ms;
		o->err = err;
		snprintf(why, wl, "soft error (%s) at %.0f ms; hard aborts at once%s", errname,
			 first_ms, locked ? ", the lock-owned case deferred" : "");
		return;
	case V6FIX_POLICY_RFC1122:
		o->after_ms = giveup;
		o->err = err;
		snprintf(why, wl, "soft errors never abort (rfc1122); the SYN retries run out "
			 "at %.0f ms and connect() reports the soft error", giveup);
		return;
	case V6FIX_POLICY_BSD:
	case V6FIX_POLICY_RETRIES: {
		/*
		 * Every SYN is answered: when retransmission N + 1's error
		 * comes, the SYN's is remembered, so FreeBSD's second-error
		 * condition holds and bsd and retries agree.
		 */
		double rtx = v6fix_syn_retransmit_ms(&s->syn, s->bsd_retries + 1);
		const char *name = policy == V6FIX_POLICY_BSD ? "bsd" : "retries";

		if (rtx >= 0 && rtx + lag_ms < giveup) {
			o->after_ms = rtx + lag_ms;
			o->err = err;
			snprintf(why, wl, "%s aborts on the soft error after retransmission %u "
				 "(sent at %.0f ms)", name, s->bsd_retries + 1, rtx);
		} else {
			o->after_ms = giveup;
			o->err = err;
			snprintf(why, wl, "%s: fewer than %u retransmissions before the SYN "
				 "retries run out at %.0f ms", name, s->bsd_retries + 1, giveup);
		}
		return;
	}
	default:	/* stock, pass */
		if (locked) {
			/* Stored as sk_err_soft; the retransmission's error aborts. */
			double rtx = v6fix_syn_retransmit_ms(&s->syn, 1);

			o->after_ms = rtx >= 0 ? rtx + lag_ms : giveup;
			o->err = err;
			snprintf(why, wl, "the error arrives while connect() holds the socket lock: "
				 "stock Linux waits for the retransmission at %.0f ms", rtx);
			return;
		}
		o->after_ms = first_ms;
		o->err = err;
		snprintf(why, wl, "stock Linux aborts SYN-SENT on the soft error (%s) at %.0f ms",
			 errname, first_ms);
	}
}

/*
 * bsd and retries on the on-link fault: the SYN and every retransmission
 * sent while the neighbour is being resolved wait in its queue, and all
 * fail together when the resolution does, @nd after it began, one
 * address-unreachable each; a later retransmission starts a new one.
 * retries aborts on the first failure that comes after more than
 * bsd_retries retransmissions; bsd (FreeBSD) only on a second error: one
 * of an earlier failure, or a second queued packet of the same one.
 */
static void onlink_bsd_outcome(const struct v6fix_scenario *s, double nd, double giveup,
			       struct he_outcome *o, char *why, size_t wl)
{
	double t = nd, rtx;
	unsigned int sent = 0, first = 0;
	bool freebsd = s->policy6 == V6FIX_POLICY_BSD, remembered = false;

	for (;;) {
		while ((rtx = v6fix_syn_retransmit_ms(&s->syn, sent + 1)) >= 0 && rtx <= t)
			sent++;
		/* Packets first..sent fail now; before the last, one is remembered. */
		if (sent > s->bsd_retries && t < giveup &&
		    (!freebsd || remembered || sent > first)) {
			o->after_ms = t;
			o->err = EHOSTUNREACH;
			snprintf(why, wl, "on-link assumption: neighbour discovery fails at %.0f ms, "
				 "after %u SYN retransmission%s: %s aborts then", t, sent,
				 sent == 1 ? "" : "s", freebsd ? "bsd" : "retries");
			return;
		}
		if (rtx < 0 || rtx + nd >= giveup) {
			o->after_ms = giveup;
			o->err = EHOSTUNREACH;
			snprintf(why, wl, "on-link assumption under bsd: fewer than %u "
				 "retransmissions before the SYN retries run out at %.0f ms",
				 s->bsd_retries + 1, giveup);
			return;
		}
		remembered = true;
		first = sent + 1;
		t = rtx + nd;	/* the next retransmission resolves again */
	}
}

/* The IPv6 attempt's outcome. */
static int v6_outcome(const struct v6fix_scenario *s, struct he_outcome *o, char *why, size_t wl)
{
	double d = s->delay_ms, rtt = 2 * s->delay_ms, giveup = v6fix_syn_giveup_ms(&s->syn);
	bool soft;
	int err;

	switch (s->fault) {
	case V6FIX_FAULT_HEALTHY:
	case V6FIX_FAULT_V4_UNREACH:
		*o = (struct he_outcome){ rtt, 0 };
		snprintf(why, wl, "IPv6 works: connected after one RTT");
		return 0;
	case V6FIX_FAULT_NO_V6_LISTENER:
		*o = (struct he_outcome){ rtt, ECONNREFUSED };
		snprintf(why, wl, "RST after one RTT: a hard error, no policy applies");
		return 0;
	case V6FIX_FAULT_ICMP6_UNREACH:
	case V6FIX_FAULT_CLIENT_REJECT: {
		bool local = s->fault == V6FIX_FAULT_CLIENT_REJECT;

		err = v6fix_icmp6_unreach_errno(s->code, &soft);
		if (err < 0)
			return err;
		if (!soft) {
			if (local) {
				/*
				 * Stock Linux stores even a hard error under the
				 * lock; v6fix leaves hard errors alone.
				 */
				soft_outcome(s, V6FIX_POLICY_STOCK, err, 0, 0, true, o, why, wl);
				return 0;
			}
			*o = (struct he_outcome){ d, err };
			snprintf(why, wl, "ICMPv6 code %d is a hard error (%s): aborts after D",
				 s->code, strerror(err));
			return 0;
		}
		soft_outcome(s, s->policy6, err, local ? 0 : d, local ? 0 : d, local, o, why, wl);
		return 0;
	}
	case V6FIX_FAULT_ICMP6_TIME_EXCEEDED:
		soft_outcome(s, s->policy6, EHOSTUNREACH, d, d, false, o, why, wl);
		return 0;
	case V6FIX_FAULT_V6_BLACKHOLE:
	case V6FIX_FAULT_ICMP6_FILTERED:
		*o = (struct he_outcome){ giveup, ETIMEDOUT };
		snprintf(why, wl, "%s: the SYN retries (%u) run out at %.0f ms",
			 s->fault == V6FIX_FAULT_V6_BLACKHOLE ? "silent drop" :
			 "the client's firewall drops the errors", s->syn.syn_retries, giveup);
		return 0;
	case V6FIX_FAULT_NO_V6_ROUTE:
		*o = (struct he_outcome){ 0, ENETUNREACH };
		snprintf(why, wl, "no IPv6 route: connect() fails at once, and getaddrinfo "
			 "sorts IPv4 first (RFC 6724 rule 1)");
		return 0;
	case V6FIX_FAULT_ONLINK: {
		double nd = v6fix_nd_fail_ms(s->nd_solicit, s->nd_retrans_ms);

		if (s->policy6 == V6FIX_POLICY_BSD || s->policy6 == V6FIX_POLICY_RETRIES) {
			onlink_bsd_outcome(s, nd, giveup, o, why, wl);
			return 0;
		}
		soft_outcome(s, s->policy6, EHOSTUNREACH, nd, nd, false, o, why, wl);
		if (s->policy6 != V6FIX_POLICY_RFC1122)
			snprintf(why, wl, "on-link assumption: neighbour discovery fails after "
				 "%u x %u ms, then the kernel's own address-unreachable aborts",
				 s->nd_solicit, s->nd_retrans_ms);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

static int v4_outcome(const struct v6fix_scenario *s, struct he_outcome *o, char *why, size_t wl)
{
	bool soft;
	int err;

	if (s->fault != V6FIX_FAULT_V4_UNREACH) {
		*o = (struct he_outcome){ 2 * s->delay_ms, 0 };
		return 0;
	}
	err = v6fix_icmp4_unreach_errno(s->code, &soft);
	if (err < 0)
		return err;
	if (!soft) {
		*o = (struct he_outcome){ s->delay_ms, err };
		snprintf(why, wl, "ICMP code %d is a hard error (%s)", s->code, strerror(err));
		return 0;
	}
	soft_outcome(s, s->policy4, err, s->delay_ms, s->delay_ms, false, o, why, wl);
	return 0;
}

int v6fix_model_order(const struct v6fix_scenario *s, bool v4_first,
		      const struct he_outcome *o6, const struct he_outcome *o4,
		      int fam[2], struct he_outcome *outs)
{
	int n = 0, pass;

	for (pass = 0; pass < 2; pass++) {
		bool v4 = (pass == 0) == v4_first;

		if (v4 && !s->only_v6)
			fam[n] = AF_INET, outs[n++] = *o4;
		else if (!v4 && !s->only_v4)
			fam[n] = AF_INET6, outs[n++] = *o6;
	}
	return n;
}

int v6fix_predict(const struct v6fix_scenario *s, struct v6fix_prediction *p)
{
	struct he_outcome out6, out4, outs[2];
	struct he_attempt att[2];
	char why4[sizeof(p->why)] = "";
	int fam[2], n = 0, ret;
	struct he h;
	long w;

	memset(p, 0, sizeof(*p));
	if (s->delay_ms < 0 || (s->only_v4 && s->only_v6) || s->syn.syn_retries < 1)
		return -EINVAL;
	ret = v6_outcome(s, &out6, p->why, sizeof(p->why));
	if (!ret)
		ret = v4_outcome(s, &out4, why4, sizeof(why4));
	if (ret)
		return ret;

	/* getaddrinfo's order: IPv6 first, unless it has no route (rule 1). */
	n = v6fix_model_order(s, s->fault == V6FIX_FAULT_NO_V6_ROUTE,
			      &out6, &out4, fam, outs);
	if (s->only_v4 && why4[0])
		snprintf(p->why, sizeof(p->why), "%s", why4);
	/* first: whatever getaddrinfo() puts first is all there is. */
	if (s->algo == V6FIX_ALGO_FIRST && n > 1)
		n = 1;

	he_init(&h, att, n, s->algo == V6FIX_ALGO_HE ? he_clamp_delay(s->he_delay_ms) : -1,
		INFINITY);
	w = he_simulate(&h, outs);
	p->n = n;
	p->winner = (int)w;
	p->total_ms = h.end_ms;
	for (int i = 0; i < n; i++) {
		p->att[i].family = fam[i];
		p->att[i].start_ms = att[i].start_ms;
		p->att[i].end_ms = att[i].end_ms;
		p->att[i].err = att[i].err;
		/* An attempt the run never started is reported as not started. */
		if (att[i].state == HE_PENDING)
			p->att[i].start_ms = p->att[i].end_ms = NAN;
	}
	if (s->algo == V6FIX_ALGO_HE && w >= 0 && n == 2 && att[1 - w].err == HE_ERR_CANCELLED) {
		size_t l = strlen(p->why);

		snprintf(p->why + l, sizeof(p->why) - l, "; Happy Eyeballs: the other family "
			 "won after the %.0f ms delay", he_clamp_delay(s->he_delay_ms));
	}
	if (s->algo == V6FIX_ALGO_FIRST && w < 0 && !s->only_v4 && !s->only_v6) {
		size_t l = strlen(p->why);

		snprintf(p->why + l, sizeof(p->why) - l, "; first: no fallback, %s never tried",
			 fam[0] == AF_INET6 ? "IPv4" : "IPv6");
	}
	return 0;
}
