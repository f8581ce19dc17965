// SPDX-License-Identifier: GPL-2.0
/* The resolution strategies under the DNS faults (see model_resolve.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <sys/socket.h>

#include "model_resolve.h"

int v6fix_model_resolve(const struct v6fix_resolve_model *m, const struct v6fix_dns_scenario *ds,
			const struct he_outcome *conn6, const struct he_outcome *conn4,
			struct v6fix_rsim *out, char *why, size_t wl)
{
	struct v6fix_dns_scenario only_a = *ds, both = *ds;
	struct v6fix_dns_prediction pa, pboth;
	struct v6fix_qoutcome qa, qaaaa;
	bool ask = ds->client_v6 == V6FIX_CLIENT_V6_GLOBAL || !m->aaaa_only_with_global;
	const char *who;

	only_a.no_aaaa = true;
	only_a.addrconfig = false;
	if (m->strategy != V6FIX_RESOLVE_GETADDRINFO) {
		/* c-ares: neither glibc's single-request modes nor AI_ADDRCONFIG. */
		both.single_request = both.single_request_reopen = false;
		both.addrconfig = false;
	}
	if (v6fix_dns_predict(&only_a, &pa) || v6fix_dns_predict(&both, &pboth))
		return -EINVAL;
	ask = ask && pboth.asked_aaaa;

	qa.after_ms = pa.resolve_ms;
	qa.state = pa.failed ? V6FIX_Q_FAILED : V6FIX_Q_ADDRESSES;
	if (m->strategy == V6FIX_RESOLVE_GETADDRINFO) {
		/* glibc hands both over when it returns. */
		qaaaa.after_ms = pboth.resolve_ms;
		qaaaa.state = pboth.have_aaaa ? V6FIX_Q_ADDRESSES : V6FIX_Q_EMPTY;
		if (qa.after_ms > qaaaa.after_ms)
			qa.after_ms = qaaaa.after_ms;
		if (!ask)
			qa.after_ms = pa.resolve_ms;
	} else if (ds->mode == V6FIX_DNS_IGNORE) {
		qaaaa.after_ms = ds->attempts * ds->timeout_s * 1000.0;
		qaaaa.state = V6FIX_Q_FAILED;
	} else {
		qaaaa.after_ms = pboth.resolve_ms;
		qaaaa.state = pboth.have_aaaa ? V6FIX_Q_ADDRESSES : V6FIX_Q_EMPTY;
	}
	if (qaaaa.state != V6FIX_Q_FAILED || m->strategy == V6FIX_RESOLVE_GETADDRINFO)
		qaaaa.after_ms += m->aaaa_delay_ms;

	v6fix_resolve_simulate(m->strategy, m->resolution_delay_ms, ask, &qa, &qaaaa, conn6, conn4,
			       m->he_delay_ms, out);

	who = v6fix_strategy_name(m->strategy);
	if (!ask)
		snprintf(why, wl, "%s: no AAAA query (%s), IPv4 after A at %.0f ms", who,
			 pboth.asked_aaaa ? "no global IPv6 address (3.4.1)" : "not asked", qa.after_ms);
	else if (out->n == 0)
		snprintf(why, wl, "%s: no address", who);
	else if (m->strategy == V6FIX_RESOLVE_RFC8305 && out->family[0] == AF_INET &&
		 qaaaa.state == V6FIX_Q_ADDRESSES)
		snprintf(why, wl, "rfc8305: AAAA not in %.0f ms after A: IPv4 first at %.0f ms, "
			 "IPv6 joins when its answer comes", m->resolution_delay_ms, out->resolve_ms);
	else if (m->strategy == V6FIX_RESOLVE_RFC8305 && out->family[0] == AF_INET)
		snprintf(why, wl, "rfc8305: %s: IPv4 at %.0f ms, %s",
			 qaaaa.state == V6FIX_Q_FAILED ? "AAAA unanswered" : "AAAA negative",
			 out->resolve_ms, qaaaa.state == V6FIX_Q_FAILED ?
			 "the Resolution Delay after A, not waiting for AAAA" : "at once");
	else if (m->strategy == V6FIX_RESOLVE_KAME && qaaaa.state == V6FIX_Q_FAILED)
		snprintf(why, wl, "kame: AAAA (sent after A at %.0f ms) unanswered: waits "
			 "max(1 s, 2T) = %.0f ms, then IPv4", qa.after_ms,
			 fmax(V6FIX_KAME_MIN_WAIT_MS, 2 * qa.after_ms));
	else if (m->strategy == V6FIX_RESOLVE_GETADDRINFO)
		snprintf(why, wl, "getaddrinfo: returns when both are in, at %.0f ms", out->resolve_ms);
	else
		snprintf(why, wl, "%s: first attempt at %.0f ms (%s first)", who, out->resolve_ms,
			 out->family[0] == AF_INET6 ? "IPv6" : "IPv4");
	return 0;
}
