// SPDX-License-Identifier: GPL-2.0
/* The asynchronous strategies for real: c-ares queries and connects in one poll loop. */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "print.h"
#include "attempt.h"
#include "resolve_cares.h"

/* What a query's callback needs. */
struct qctx {
	struct v6fix_resolve_run *r;
	struct v6fix_query_rec *rec;
	bool aaaa;
	double t0;
	/* The addresses of the answer, held until the plan releases them. */
	struct v6fix_target addr[V6FIX_RESOLVE_MAX_ADDRS];
	int naddr;
	unsigned int port;
};

/* c-ares's status as the answer's RCODE; NULL when there was no answer. */
static const char *status_rcode(int status)
{
	switch (status) {
	case ARES_SUCCESS:
	case ARES_ENODATA: return "NOERROR";
	case ARES_ENOTFOUND: return "NXDOMAIN";
	case ARES_ESERVFAIL: return "SERVFAIL";
	case ARES_EFORMERR: return "FORMERR";
	case ARES_ENOTIMP: return "NOTIMP";
	case ARES_EREFUSED: return "REFUSED";
	default: return NULL;
	}
}

static void add_addr(struct qctx *c, int family, const void *a)
{
	struct v6fix_target *x;

	if (c->naddr >= V6FIX_RESOLVE_MAX_ADDRS)
		return;
	x = &c->addr[c->naddr++];
	memset(x, 0, sizeof(*x));
	x->family = family;
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&x->sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(c->port);
		memcpy(&s6->sin6_addr, a, sizeof(s6->sin6_addr));
		x->salen = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&x->sa;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(c->port);
		memcpy(&s4->sin_addr, a, sizeof(s4->sin_addr));
		x->salen = sizeof(*s4);
	}
	inet_ntop(family, a, x->text, sizeof(x->text));
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct qctx *c = arg;
	enum v6fix_qstate st;
	double now;

	(void)timeouts;
	if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED)
		return;	/* we stopped waiting: stays unanswered */
	now = v6fix_now_ms() - c->t0;
	c->rec->rcode = status_rcode(status);
	if (!c->rec->rcode)
		c->rec->error = ares_strerror(status);
	else
		c->rec->answered_ms = now;
	if (status == ARES_SUCCESS && abuf) {
		if (c->aaaa) {
			struct ares_addr6ttl tt[V6FIX_RESOLVE_MAX_ADDRS];
			int n = V6FIX_RESOLVE_MAX_ADDRS;

			if (ares_parse_aaaa_reply(abuf, alen, NULL, tt, &n) == ARES_SUCCESS)
				for (int i = 0; i < n; i++)
					add_addr(c, AF_INET6, &tt[i].ip6addr);
			else
				c->rec->error = "bad AAAA answer";
		} else {
			struct ares_addrttl tt[V6FIX_RESOLVE_MAX_ADDRS];
			int n = V6FIX_RESOLVE_MAX_ADDRS;

			if (ares_parse_a_reply(abuf, alen, NULL, tt, &n) == ARES_SUCCESS)
				for (int i = 0; i < n; i++)
					add_addr(c, AF_INET, &tt[i].ipaddr);
			else
				c->rec->error = "bad A answer";
		}
	}
	c->rec->answers = c->naddr;
	st = c->naddr > 0 ? V6FIX_Q_ADDRESSES : c->rec->rcode ? V6FIX_Q_EMPTY : V6FIX_Q_FAILED;
	v6fix_rplan_answer(&c->r->plan, c->aaaa, now, st);
}

static void first_server(ares_channel ch, char *buf, size_t len)
{
	struct ares_addr_port_node *s = NULL;

	snprintf(buf, len, "?");
	if (ares_get_servers_ports(ch, &s) == ARES_SUCCESS && s)
		inet_ntop(s->family, &s->addr, buf, (socklen_t)len);
	ares_free_data(s);
}

/* Append @c's addresses to the run's targets and the scheduler. */
static void release(struct v6fix_resolve_run *r, const struct qctx *c)
{
	size_t room = sizeof(r->t) / sizeof(r->t[0]) - r->h.n;
	size_t k = (size_t)c->naddr < room ? (size_t)c->naddr : room;

	memcpy(&r->t[r->h.n], c->addr, k * sizeof(c->addr[0]));
	he_add(&r->h, k);
}

static bool numeric(const char *host, unsigned int port, struct qctx *c4, struct qctx *c6)
{
	unsigned char buf[sizeof(struct in6_addr)];

	c4->port = c6->port = port;
	if (inet_pton(AF_INET, host, buf) == 1) {
		add_addr(c4, AF_INET, buf);
		return true;
	}
	if (inet_pton(AF_INET6, host, buf) == 1) {
		add_addr(c6, AF_INET6, buf);
		return true;
	}
	return false;
}

static void send_query(ares_channel ch, const char *host, struct qctx *c,
		       struct v6fix_resolve_run *r, const char *server, double now)
{
	c->rec = &r->q[r->nq++];
	c->rec->type = c->aaaa ? "AAAA" : "A";
	snprintf(c->rec->server, sizeof(c->rec->server), "%s", server);
	c->rec->sent_ms = now;
	c->rec->answered_ms = NAN;
	ares_query(ch, host, ns_c_in, c->aaaa ? ns_t_aaaa : ns_t_a, on_answer, c);
}

static void start_attempt(struct v6fix_resolve_run *r, size_t i, int *fds, double rel, double t0)
{
	const struct v6fix_target *x = &r->t[i];
	int fd = socket(x->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		he_report(&r->h, i, v6fix_now_ms() - t0 - rel, errno);
		return;
	}
	if (connect(fd, (const struct sockaddr *)&x->sa, x->salen) == 0) {
		fds[i] = fd;
		he_report(&r->h, i, v6fix_now_ms() - t0 - rel, 0);
	} else if (errno == EINPROGRESS) {
		fds[i] = fd;
	} else {
		int err = errno;

		close(fd);
		he_report(&r->h, i, v6fix_now_ms() - t0 - rel, err);
	}
}

long v6fix_resolve_connect(const char *host, unsigned int port, enum v6fix_strategy s,
			   double rd_ms, bool ask_aaaa, double delay_ms, double timeout_ms,
			   struct v6fix_resolve_run *r)
{
	enum { NMAX = 2 * V6FIX_RESOLVE_MAX_ADDRS };
	static struct qctx c4, c6;
	struct pollfd pfd[NMAX + ARES_GETSOCK_MAXNUM];
	int fds[NMAX];
	ares_channel ch = NULL;
	struct ares_options opts;
	char server[64] = "";
	bool is_numeric;
	double t0;
	int ret;

	memset(r, 0, sizeof(*r));
	memset(&c4, 0, sizeof(c4));
	memset(&c6, 0, sizeof(c6));
	r->resolve_ms = NAN;
	for (int i = 0; i < NMAX; i++)
		fds[i] = -1;
	he_init(&r->h, r->att, 0, delay_ms, timeout_ms);
	he_set_open(&r->h, true);
	v6fix_rplan_init(&r->plan, s, rd_ms, ask_aaaa);

	is_numeric = numeric(host, port, &c4, &c6);
	if (!is_numeric) {
		ret = ares_library_init(ARES_LIB_INIT_ALL);
		if (ret == ARES_SUCCESS) {
			struct __res_state rs;
			int mask = 0;

			/*
			 * resolv.conf's timeout:N and attempts:N as glibc reads
			 * them (res_ninit), so both resolvers give up alike;
			 * c-ares 1.18 otherwise tries 4 times from 5 s with
			 * backoff (75 s, measured).
			 */
			memset(&opts, 0, sizeof(opts));
			memset(&rs, 0, sizeof(rs));
			if (res_ninit(&rs) == 0) {
				opts.timeout = rs.retrans * 1000;
				opts.tries = rs.retry;
				mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
				res_nclose(&rs);
			}
			ret = ares_init_options(&ch, &opts, mask);
		}
		if (ret != ARES_SUCCESS) {
			r->error = ares_strerror(ret);
			return -1;
		}
		first_server(ch, server, sizeof(server));
	}
	if (is_numeric) {
		/* A literal: both "answered" at once, no query on the wire. */
		r->plan.a = (struct v6fix_rquery){ c4.naddr ? V6FIX_Q_ADDRESSES : V6FIX_Q_EMPTY, 0, 0 };
		r->plan.aaaa = (struct v6fix_rquery){ c6.naddr ? V6FIX_Q_ADDRESSES : V6FIX_Q_EMPTY, 0, 0 };
		r->plan.ask_aaaa = true;
	}
	t0 = v6fix_now_ms();
	c4.r = c6.r = r;
	c4.t0 = c6.t0 = t0;
	c6.aaaa = true;

	for (;;) {
		double now = v6fix_now_ms() - t0, rel, wake;
		struct v6fix_rstep st;
		struct he_step hs = { .action = HE_WAIT, .until_ms = INFINITY };
		struct timespec ts, *tsp = NULL;
		struct timeval tv, *tvp;
		ares_socket_t socks[ARES_GETSOCK_MAXNUM];
		size_t np = 0, nares = 0;
		int bits = 0, pr;

		st = v6fix_rplan_step(&r->plan, now);
		if (st.send_a)
			send_query(ch, host, &c4, r, server, now);
		if (st.send_aaaa)
			send_query(ch, host, &c6, r, server, now);
		if (st.send_a || st.send_aaaa)
			continue;	/* c-ares may have called back already */
		/* AAAA first when both come at once (3.4.3, RFC 8305 section 4). */
		if (st.release_aaaa)
			release(r, &c6);
		if (st.release_a)
			release(r, &c4);
		if (st.release_aaaa && st.release_a && delay_ms >= 0)
			v6fix_targets_interleave(r->t, r->h.n);
		he_set_open(&r->h, !r->plan.closed);
		rel = r->plan.release_ms;
		if (r->plan.started) {
			hs = he_next(&r->h, now - rel);
			if (hs.action == HE_DONE)
				break;
			if (hs.action == HE_START) {
				start_attempt(r, hs.index, fds, rel, t0);
				continue;
			}
		} else if (r->plan.closed) {
			r->error = "no address";
			break;
		}

		wake = st.wake_ms;
		if (r->plan.started && hs.until_ms + rel < wake)
			wake = hs.until_ms + rel;
		if (ch) {
			bits = ares_getsock(ch, socks, ARES_GETSOCK_MAXNUM);
			/*
			 * Not ARES_GETSOCK_WRITABLE(): for the 16th socket it
			 * shifts a signed 1 by 31 (undefined; UBSan caught it).
			 */
			for (unsigned int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
				bool rd = (unsigned int)bits & (1u << i);
				bool wr = (unsigned int)bits & (1u << (i + ARES_GETSOCK_MAXNUM));

				if (!rd && !wr)
					continue;
				pfd[np].fd = socks[i];
				pfd[np].events = (rd ? POLLIN : 0) | (wr ? POLLOUT : 0);
				pfd[np++].revents = 0;
			}
			nares = np;
			tvp = ares_timeout(ch, NULL, &tv);
			if (tvp && now + tvp->tv_sec * 1e3 + tvp->tv_usec / 1e3 < wake)
				wake = now + tvp->tv_sec * 1e3 + tvp->tv_usec / 1e3;
		}
		for (size_t i = 0; i < r->h.n; i++) {
			if (r->att[i].state != HE_RUNNING || fds[i] < 0)
				continue;
			pfd[np].fd = fds[i];
			pfd[np].events = POLLOUT;
			pfd[np++].revents = 0;
		}
		if (np == 0 && isinf(wake)) {
			/* Nothing can happen any more (no query, no attempt). */
			r->error = "no answer";
			break;
		}
		if (isfinite(wake)) {
			ts = v6fix_ms_timespec(wake - now);
			tsp = &ts;
		}
		pr = ppoll(pfd, np, tsp, NULL);
		if (pr < 0 && errno != EINTR)
			break;
		if (ch) {
			bool any = false;

			for (size_t k = 0; pr > 0 && k < nares; k++) {
				if (!pfd[k].revents)
					continue;
				any = true;
				ares_process_fd(ch, pfd[k].revents & (POLLIN | POLLERR | POLLHUP) ?
						pfd[k].fd : ARES_SOCKET_BAD,
						pfd[k].revents & POLLOUT ? pfd[k].fd : ARES_SOCKET_BAD);
			}
			if (!any)	/* its timers: retransmissions, giving up */
				ares_process_fd(ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
		}
		now = v6fix_now_ms() - t0;
		for (size_t k = nares; pr > 0 && k < np; k++) {
			socklen_t len = sizeof(int);
			size_t i;
			int err = 0;

			if (!pfd[k].revents)
				continue;
			for (i = 0; i < r->h.n && fds[i] != pfd[k].fd; i++)
				;
			if (i == r->h.n)
				continue;
			if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
			if (err) {
				close(fds[i]);
				fds[i] = -1;
			}
			he_report(&r->h, i, now - rel, err);
		}
	}
	r->resolve_ms = r->plan.release_ms;
	/* Losers are cancelled by closing; the winner too unless kept for
	 * connect --transfer (attempt.h), whose times count from the first
	 * attempt as the attempts' do. */
	v6fix_attempt_keep.t0_ms = t0 + r->plan.release_ms;
	for (size_t i = 0; i < NMAX; i++) {
		if (fds[i] < 0)
			continue;
		if (v6fix_attempt_keep.enabled && (long)i == r->h.winner) {
			fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) & ~O_NONBLOCK);
			v6fix_attempt_keep.fd = fds[i];
		} else {
			close(fds[i]);
		}
	}
	if (ch) {
		/* Unanswered queries are cancelled here: nobody waits for them. */
		ares_destroy(ch);
		ares_library_cleanup();
	}
	return r->h.winner;
}

void v6fix_print_queries(const struct v6fix_resolve_run *r)
{
	print_string(PRINT_ANY, "strategy", "strategy %s\n", v6fix_strategy_name(r->plan.strategy));
	print_open_array("queries");
	for (int i = 0; i < r->nq; i++) {
		const struct v6fix_query_rec *q = &r->q[i];

		print_open_object(NULL);
		print_string(PRINT_ANY, "type", "query %-4s", q->type);
		print_string(PRINT_ANY, "server", " server %s", q->server);
		print_float(PRINT_ANY, "sent_ms", " sent %.1f ms", 1, q->sent_ms);
		if (isnan(q->answered_ms))
			print_null(PRINT_ANY, "answered_ms", " no answer");
		else
			print_float(PRINT_ANY, "answered_ms", " answered %.1f ms", 1, q->answered_ms);
		if (q->rcode)
			print_string(PRINT_ANY, "rcode", " %s", q->rcode);
		else
			print_null(PRINT_ANY, "rcode", "");
		print_int(PRINT_ANY, "answers", " answers %lld", q->answers);
		if (q->error)
			print_string(PRINT_ANY, "error", " (%s)", q->error);
		print_text("\n");
		print_close_object();
	}
	print_close_array();
}
