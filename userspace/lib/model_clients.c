// SPDX-License-Identifier: GPL-2.0
/* The real clients of the matrix in the model (see model_clients.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "he.h"
#include "model_clients.h"

/*
 * wget 1.21.3, src/connect.c retryable_socket_connect_error(): "unsupported
 * protocol" errors are never retried, "connection refused", ENETUNREACH and
 * EHOSTUNREACH only with --retry-connrefused; everything else (a timeout,
 * EOPNOTSUPP, ...) is. gethttp() asks it about the errno of the last
 * address connect_to_host() tried.
 */
bool v6fix_wget_retryable(int err)
{
	switch (err) {
	case EAFNOSUPPORT:
	case EPFNOSUPPORT:
	case ESOCKTNOSUPPORT:
	case EPROTONOSUPPORT:
	case ENOPROTOOPT:
	case EINVAL:
	case ECONNREFUSED:
	case ENETUNREACH:
	case EHOSTUNREACH:
		return false;
	default:
		return true;
	}
}

/*
 * The table. Versions are Debian 12's packages (Node also as found: the
 * default changed between 18 and 20; a row without a version, or the first
 * of a name, is Debian 12's), each default with where it was read.
 */
const struct v6fix_client v6fix_clients[] = {
	{
		.name = "curl", .program = "curl 7.88.1",
		.algo = V6FIX_CLIENT_HE, .delay_ms = 200, .tries = 1,
		.order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "getaddrinfo() in a thread (Debian builds the threaded resolver, "
			    "not c-ares: curl --version lists no c-ares)",
		.source = "curl(1) --happy-eyeballs-timeout-ms: default 200 ms "
			  "(lib/connect.h HAPPY_EYEBALLS_TIMEOUT)",
	},
	{
		.name = "python", .program = "Python 3.11 socket.create_connection()",
		.algo = V6FIX_CLIENT_SEQ, .tries = 1, .order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "getaddrinfo(host, port, 0, SOCK_STREAM)",
		.source = "Lib/socket.py create_connection(): for res in getaddrinfo(): "
			  "connect() each in turn, no timeout unless given",
	},
	{
		.name = "python-asyncio",
		.program = "Python 3.11 asyncio.open_connection(happy_eyeballs_delay=0.25)",
		.algo = V6FIX_CLIENT_HE, .delay_ms = 250, .tries = 1,
		.order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "getaddrinfo() in the default executor (loop.getaddrinfo)",
		.source = "Lib/asyncio/base_events.py create_connection(): off unless "
			  "happy_eyeballs_delay is given, then interleave 1 and "
			  "staggered.staggered_race(); the matrix gives 0.25 s",
	},
	{
		.name = "wget", .program = "GNU Wget 1.21.3",
		.algo = V6FIX_CLIENT_SEQ, .tries = 20, .order = V6FIX_ORDER_GETADDRINFO,
		.retry_step_ms = 1000, .retry_max_ms = 10000, .retryable = v6fix_wget_retryable,
		.resolver = "getaddrinfo() AF_UNSPEC without AI_ADDRCONFIG, order kept "
			    "(src/host.c; --prefer-family none)",
		.source = "wget(1): --tries 20, --waitretry 10 s (linear backoff 1, 2, ... s), "
			  "no --connect-timeout; src/connect.c connect_to_host() tries the "
			  "addresses in turn, retryable_socket_connect_error()",
	},
	{
		.name = "ssh", .program = "OpenSSH 9.2p1 ssh",
		.algo = V6FIX_CLIENT_SEQ, .tries = 1, .order = V6FIX_ORDER_GETADDRINFO,
		.retry_step_ms = 1000, .retry_max_ms = 1000,
		.resolver = "getaddrinfo() AF_UNSPEC, SOCK_STREAM (AddressFamily any; "
			    "ssh.c resolve_host())",
		.source = "ssh_config(5): ConnectionAttempts 1 (one per second), no "
			  "ConnectTimeout (the system's TCP timeout: a blocking connect()); "
			  "sshconnect.c ssh_connect_direct() tries each address in turn",
	},
	{
		.name = "node", .program = "Node.js net.connect({ autoSelectFamily: true })",
		.algo = V6FIX_CLIENT_ATTEMPT_TIMEOUT, .delay_ms = 250, .tries = 1,
		.order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "dns.lookup(): getaddrinfo() AI_ADDRCONFIG in libuv's thread pool, "
			    "order verbatim; grouped by family, interleaved",
		.source = "lib/net.js (Node 20.20.2, the option since 18.13): "
			  "autoSelectFamilyAttemptTimeout 250 ms (at least 10), "
			  "internalConnectMultipleTimeout() closes the attempt; none on the last",
	},
	{
		.name = "node-defaults", .program = "Node.js 18 net.connect() (Debian 12's nodejs)",
		.major_max = 19,
		.algo = V6FIX_CLIENT_FIRST, .tries = 1, .order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "dns.lookup() with all: false: the first getaddrinfo() address",
		.source = "Node 18's net docs: autoSelectFamily default false; lib/net.js "
			  "lookupAndConnect() then connects to the one address looked up",
	},
	{
		.name = "node-defaults", .program = "Node.js >= 20 net.connect()",
		.major_min = 20,
		.algo = V6FIX_CLIENT_ATTEMPT_TIMEOUT, .delay_ms = 250, .tries = 1,
		.order = V6FIX_ORDER_GETADDRINFO,
		.resolver = "dns.lookup() all addresses, as node",
		.source = "lib/net.js: --network-family-autoselection on by default since "
			  "20.0.0 (net.getDefaultAutoSelectFamily())",
	},
	{
		.name = "go", .program = "Go 1.19.8 net.Dial (build/netns-tests/go-dial)",
		.algo = V6FIX_CLIENT_HE, .delay_ms = 300, .tries = 1,
		.order = V6FIX_ORDER_HOSTS_FILE,
		.resolver = "the pure Go resolver (nsswitch files dns): an /etc/hosts hit in "
			    "file order, unsorted (net/dnsclient_unix.go goLookupIPCNAMEOrder)",
		.source = "net/dial.go: Dialer.fallbackDelay() 300 ms; dialParallel() starts "
			  "the fallback family then, or at once when the primary fails",
	},
};

const size_t v6fix_nclients = sizeof(v6fix_clients) / sizeof(v6fix_clients[0]);

const struct v6fix_client *v6fix_client_find(const char *name, unsigned int major)
{
	for (size_t i = 0; i < v6fix_nclients; i++) {
		const struct v6fix_client *c = &v6fix_clients[i];

		if (strcmp(c->name, name))
			continue;
		if (major && ((c->major_min && major < c->major_min) ||
			      (c->major_max && major > c->major_max)))
			continue;
		return c;
	}
	return NULL;
}

/* One family's attempt under @s, alone (the connect model). */
static int family_outcome(const struct v6fix_scenario *s, bool v6, struct he_outcome *o)
{
	struct v6fix_scenario f = *s;
	struct v6fix_prediction p;
	int ret;

	f.only_v6 = v6;
	f.only_v4 = !v6;
	f.algo = V6FIX_ALGO_SEQ;
	ret = v6fix_predict(&f, &p);
	if (ret)
		return ret;
	if (p.n != 1)
		return -EINVAL;
	*o = (struct he_outcome){ p.att[0].end_ms - p.att[0].start_ms, p.att[0].err };
	return 0;
}

/* Node's internalConnectMultiple() on a virtual clock: one pass. */
static long attempt_timeout_pass(double timeout, const struct he_outcome *o, size_t n,
				 struct he_attempt *att, double *end)
{
	double t = 0;

	for (size_t i = 0; i < n; i++) {
		att[i].state = HE_RUNNING;
		att[i].start_ms = t;
		if (i + 1 < n && o[i].after_ms > timeout) {
			att[i].state = HE_FAILED;
			att[i].end_ms = t + timeout;
			att[i].err = HE_ERR_CANCELLED;	/* closed by the client */
			t += timeout;
			continue;
		}
		att[i].end_ms = t + o[i].after_ms;
		att[i].err = o[i].err;
		t = att[i].end_ms;
		if (!o[i].err) {
			att[i].state = HE_CONNECTED;
			*end = t;
			return (long)i;
		}
		att[i].state = HE_FAILED;
	}
	*end = t;
	return -1;
}

/* One pass over the addresses: the winner's index or -1, its end in *end. */
static long one_pass(const struct v6fix_client *c, const struct he_outcome *o, size_t n,
		     struct he_attempt *att, double *end)
{
	struct he h;
	long w;

	memset(att, 0, n * sizeof(*att));
	switch (c->algo) {
	case V6FIX_CLIENT_ATTEMPT_TIMEOUT:
		return attempt_timeout_pass(c->delay_ms < HE_MIN_DELAY_MS ? HE_MIN_DELAY_MS :
					    c->delay_ms, o, n, att, end);
	case V6FIX_CLIENT_FIRST:
		n = n > 1 ? 1 : n;
		/* fall through */
	case V6FIX_CLIENT_SEQ:
	case V6FIX_CLIENT_HE:
	default:
		he_init(&h, att, n, c->algo == V6FIX_CLIENT_HE ? he_clamp_delay(c->delay_ms) : -1,
			INFINITY);
		w = he_simulate(&h, o);
		*end = h.end_ms;
		return w;
	}
}

__attribute__((format(printf, 3, 4)))
static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t l = strlen(buf);
	va_list ap;

	if (l + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + l, len - l, fmt, ap);
	va_end(ap);
}

int v6fix_client_predict(const struct v6fix_client *c, const struct v6fix_scenario *s,
			 unsigned int tries, struct v6fix_prediction *p, unsigned int *passes)
{
	struct v6fix_scenario base = *s;
	struct he_outcome o6, o4, outs[2];
	struct he_attempt att[2];
	int fam[2], ret;
	size_t n = 0;
	double end, t = 0, waits = 0;
	unsigned int pass;
	long w;

	if (!c || !c->tries)
		return -EINVAL;
	if (!tries)
		tries = c->tries;
	/* The reason for the broken family, from the connect model. */
	base.algo = V6FIX_ALGO_SEQ;
	ret = v6fix_predict(&base, p);
	if (ret)
		return ret;
	ret = family_outcome(s, true, &o6);
	if (!ret)
		ret = family_outcome(s, false, &o4);
	if (ret)
		return ret;

	/* The resolver's order: RFC 6724 rule 1 puts IPv4 first without an
	 * IPv6 route; a hosts file is read as it is written (IPv6 first). */
	n = (size_t)v6fix_model_order(s, c->order == V6FIX_ORDER_GETADDRINFO &&
				 s->fault == V6FIX_FAULT_NO_V6_ROUTE,
			      &o6, &o4, fam, outs);

	for (pass = 1;; pass++) {
		struct he_attempt a[2];
		int last_err = 0;

		w = one_pass(c, outs, n, a, &end);
		if (pass == 1) {
			memcpy(att, a, sizeof(a));
			p->winner = (int)w;
		}
		t += end;
		if (w >= 0 || pass >= tries)
			break;
		for (size_t i = 0; i < n; i++)
			if (a[i].state == HE_FAILED)
				last_err = a[i].err;
		if (c->retryable && !c->retryable(last_err)) {
			appendf(p->why, sizeof(p->why), "; %s does not try again after %s",
				c->name, strerror(last_err));
			break;
		}
		/* The wait before pass + 1: min(pass x step, max). */
		waits += fmin(pass * c->retry_step_ms, c->retry_max_ms);
		t += fmin(pass * c->retry_step_ms, c->retry_max_ms);
	}

	p->n = (int)(c->algo == V6FIX_CLIENT_FIRST && n > 1 ? 1 : n);
	p->total_ms = t;
	for (int i = 0; i < p->n; i++) {
		p->att[i].family = fam[i];
		p->att[i].start_ms = att[i].start_ms;
		p->att[i].end_ms = att[i].end_ms;
		p->att[i].err = att[i].err;
		if (att[i].state == HE_PENDING)
			p->att[i].start_ms = p->att[i].end_ms = NAN;
	}
	if (passes)
		*passes = pass;

	if (pass > 1)
		appendf(p->why, sizeof(p->why), "; %s: %u passes over the addresses, %.0f ms "
			"of waits between them", c->name, pass, waits);
	else if (p->winner >= 0 && n == 2 && att[1 - p->winner].err == HE_ERR_CANCELLED)
		appendf(p->why, sizeof(p->why), c->algo == V6FIX_CLIENT_ATTEMPT_TIMEOUT ?
			"; %s closes the attempt after its %.0f ms attempt timeout" :
			"; %s: the other family won after the %.0f ms delay", c->name,
			c->delay_ms);
	else if (c->algo == V6FIX_CLIENT_FIRST && p->winner < 0 && n == 2)
		appendf(p->why, sizeof(p->why), "; %s: the first address only, %s never tried",
			c->name, fam[1] == AF_INET ? "IPv4" : "IPv6");
	if (c->order == V6FIX_ORDER_HOSTS_FILE && s->fault == V6FIX_FAULT_NO_V6_ROUTE &&
	    n == 2)
		appendf(p->why, sizeof(p->why), "; %s keeps the hosts file's order (IPv6 first): "
			"its failure starts IPv4 at once", c->name);
	return 0;
}
