// SPDX-License-Identifier: GPL-2.0
/* Resolution strategies on a caller's clock, and their model (see resolve.h). */
#include <errno.h>
#include <ifaddrs.h>
#include <math.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "resolve.h"

static const char *const strategy_names[] = {
	[V6FIX_RESOLVE_GETADDRINFO] = "getaddrinfo",
	[V6FIX_RESOLVE_RFC8305] = "rfc8305",
	[V6FIX_RESOLVE_KAME] = "kame",
};

const char *v6fix_strategy_name(enum v6fix_strategy s)
{
	return (unsigned int)s <= V6FIX_RESOLVE_KAME ? strategy_names[s] : NULL;
}

int v6fix_strategy_parse(const char *name)
{
	for (int i = 0; i <= V6FIX_RESOLVE_KAME; i++)
		if (!strcmp(name, strategy_names[i]))
			return i;
	return -1;
}

void v6fix_rplan_init(struct v6fix_rplan *p, enum v6fix_strategy s, double resolution_delay_ms,
		      bool ask_aaaa)
{
	memset(p, 0, sizeof(*p));
	p->strategy = s;
	p->resolution_delay_ms = resolution_delay_ms;
	p->ask_aaaa = ask_aaaa;
	p->a.sent_ms = p->a.answered_ms = NAN;
	p->aaaa.sent_ms = p->aaaa.answered_ms = NAN;
	p->release_ms = NAN;
}

static bool done(const struct v6fix_rquery *q)
{
	return q->state >= V6FIX_Q_ADDRESSES;
}

double v6fix_rplan_kame_deadline(const struct v6fix_rplan *p)
{
	double t;

	if (!done(&p->a) || p->aaaa.state == V6FIX_Q_UNSENT)
		return INFINITY;
	t = p->a.answered_ms - p->a.sent_ms;
	return p->aaaa.sent_ms + fmax(V6FIX_KAME_MIN_WAIT_MS, 2 * t);
}

void v6fix_rplan_answer(struct v6fix_rplan *p, bool aaaa, double now, enum v6fix_qstate state)
{
	struct v6fix_rquery *q = aaaa ? &p->aaaa : &p->a;

	if (q->state != V6FIX_Q_PENDING)
		return;
	q->state = state;
	q->answered_ms = now;
}

/* Hand @aaaa's (else A's) addresses over, if the query found any. */
static void release(struct v6fix_rplan *p, struct v6fix_rstep *st, bool aaaa, double now)
{
	bool *r = aaaa ? &p->released_aaaa : &p->released_a;

	if (*r)
		return;
	*r = true;
	if ((aaaa ? p->aaaa.state : p->a.state) != V6FIX_Q_ADDRESSES)
		return;	/* nothing to hand over, but decided */
	if (aaaa)
		st->release_aaaa = true;
	else
		st->release_a = true;
	if (!p->started) {
		p->started = true;
		p->release_ms = now;
	}
}

struct v6fix_rstep v6fix_rplan_step(struct v6fix_rplan *p, double now)
{
	struct v6fix_rstep st = { .wake_ms = INFINITY };
	bool aaaa_done;

	/* Queries. */
	if (p->a.state == V6FIX_Q_UNSENT) {
		p->a.state = V6FIX_Q_PENDING;
		p->a.sent_ms = now;
		st.send_a = true;
	}
	if (p->ask_aaaa && p->aaaa.state == V6FIX_Q_UNSENT &&
	    (p->strategy != V6FIX_RESOLVE_KAME || done(&p->a))) {
		p->aaaa.state = V6FIX_Q_PENDING;
		p->aaaa.sent_ms = now;
		st.send_aaaa = true;
	}
	aaaa_done = !p->ask_aaaa || done(&p->aaaa);

	switch (p->strategy) {
	case V6FIX_RESOLVE_GETADDRINFO:
		/* One answer, when both queries are over. */
		if (done(&p->a) && aaaa_done) {
			release(p, &st, true, now);
			release(p, &st, false, now);
		}
		break;
	case V6FIX_RESOLVE_RFC8305:
		if (aaaa_done)
			release(p, &st, true, now);
		if (done(&p->a) && !p->released_a) {
			/*
			 * Section 3: AAAA answered (positively or not), or the
			 * Resolution Delay after A ran out: start with A's.
			 */
			double at = p->a.answered_ms + p->resolution_delay_ms;

			if (aaaa_done || p->a.state != V6FIX_Q_ADDRESSES || now >= at)
				release(p, &st, false, now);
			else
				st.wake_ms = at;
		}
		break;
	case V6FIX_RESOLVE_KAME: {
		double dl = v6fix_rplan_kame_deadline(p);

		if (done(&p->a) && (aaaa_done || now >= dl)) {
			/* 3.4.3: IPv6 first; an AAAA after the deadline is ignored. */
			release(p, &st, true, now);
			release(p, &st, false, now);
		} else if (done(&p->a)) {
			st.wake_ms = dl;
		}
		break;
	}
	}
	p->closed = p->released_a && (p->released_aaaa || !p->ask_aaaa);
	if (!p->ask_aaaa)
		p->released_aaaa = true;
	return st;
}

int v6fix_host_has_global6(void)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		const struct in6_addr *a;

		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6)
			continue;
		a = &((const struct sockaddr_in6 *)(const void *)i->ifa_addr)->sin6_addr;
		if (!IN6_IS_ADDR_LINKLOCAL(a) && !IN6_IS_ADDR_LOOPBACK(a)) {
			found = 1;
			break;
		}
	}
	freeifaddrs(ifa);
	return found;
}

long v6fix_resolve_simulate(enum v6fix_strategy s, double resolution_delay_ms, bool ask_aaaa,
			    const struct v6fix_qoutcome *a, const struct v6fix_qoutcome *aaaa,
			    const struct he_outcome *conn6, const struct he_outcome *conn4,
			    double delay_ms, struct v6fix_rsim *o)
{
	struct he_outcome outs[2];
	struct v6fix_rplan *p = &o->plan;
	double now = 0;

	memset(o, 0, sizeof(*o));
	v6fix_rplan_init(p, s, resolution_delay_ms, ask_aaaa);
	he_init(&o->h, o->att, 0, delay_ms, INFINITY);
	he_set_open(&o->h, true);
	o->winner = -1;
	o->resolve_ms = NAN;

	for (;;) {
		struct v6fix_rstep st = v6fix_rplan_step(p, now);
		double t_next = st.wake_ms, rel = p->release_ms;
		int which = -1;	/* 0 A answer, 1 AAAA answer, 2 attempt end */
		size_t att_i = 0;

		if (st.release_aaaa && o->n < 2)
			o->family[o->n] = AF_INET6, outs[o->n++] = *conn6, he_add(&o->h, 1);
		if (st.release_a && o->n < 2)
			o->family[o->n] = AF_INET, outs[o->n++] = *conn4, he_add(&o->h, 1);
		he_set_open(&o->h, !p->closed);
		if (p->started) {
			struct he_step hs = he_next(&o->h, now - rel);

			if (hs.action == HE_DONE)
				break;
			if (hs.action == HE_START) {
				if (outs[hs.index].after_ms <= 0)
					he_report(&o->h, hs.index, now - rel, outs[hs.index].err);
				continue;
			}
			if (hs.until_ms + rel < t_next)
				t_next = hs.until_ms + rel;
			for (size_t i = 0; i < o->h.n; i++) {
				double end;

				if (o->att[i].state != HE_RUNNING)
					continue;
				end = rel + o->att[i].start_ms + outs[i].after_ms;
				if (end < t_next || (end == t_next && which < 0)) {
					t_next = end;
					which = 2;
					att_i = i;
				}
			}
		} else if (p->closed) {
			break;	/* resolved to nothing */
		}
		if (p->a.state == V6FIX_Q_PENDING && p->a.sent_ms + a->after_ms < t_next) {
			t_next = p->a.sent_ms + a->after_ms;
			which = 0;
		}
		if (p->aaaa.state == V6FIX_Q_PENDING && p->aaaa.sent_ms + aaaa->after_ms < t_next) {
			t_next = p->aaaa.sent_ms + aaaa->after_ms;
			which = 1;
		}
		if (isinf(t_next))
			break;	/* nothing will ever happen: no answer, no attempt */
		now = t_next;
		if (which == 0)
			v6fix_rplan_answer(p, false, now, a->state);
		else if (which == 1)
			v6fix_rplan_answer(p, true, now, aaaa->state);
		else if (which == 2)
			he_report(&o->h, att_i, now - rel, outs[att_i].err);
	}
	o->winner = o->h.winner;
	o->resolve_ms = p->release_ms;
	o->elapsed_ms = p->started ? p->release_ms + o->h.end_ms : now;
	return o->winner;
}
