// SPDX-License-Identifier: GPL-2.0
/*
 * What the designs share: a listening socket for one getaddrinfo() result,
 * the passive lookup, and the accept loop (poll() over every listening
 * socket, the connections being drained, and the watched process).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addrtext.h"
#include "attempt.h"
#include "serve.h"
#include "transfer.h"
#include "util.h"

#define SERVE_MAX_LISTEN 8
#define SERVE_MAX_CONNS 256
#define SERVE_LINGER_MS 5000

int serve_listen(const struct serve_ctx *ctx, const struct addrinfo *ai, const char **step)
{
	int fd, one = 1, err;

	*step = "socket";
	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ai->ai_family == AF_INET6 && ctx->v6only != SERVE_V6ONLY_DEFAULT) {
		int v = ctx->v6only;

		*step = "setsockopt(IPV6_V6ONLY)";
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)) < 0)
			goto fail;
	}
	*step = "bind";
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) < 0)
		goto fail;
	*step = "listen";
	if (listen(fd, 128) < 0)
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

struct addrinfo *serve_passive(const struct serve_ctx *ctx, int family)
{
	struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
	}, *res;
	char port[8];
	int rc;

	snprintf(port, sizeof(port), "%u", ctx->port);
	rc = getaddrinfo(NULL, port, &hints, &res);
	if (rc) {
		v6fix_err("serve: %s: getaddrinfo(AI_PASSIVE, %s): %s", ctx->design,
			  v6fix_family_name(family), gai_strerror(rc));
		exit(1);
	}
	return res;
}

const char *serve_ai_text(const struct addrinfo *ai, char *buf, size_t len)
{
	struct v6fix_addrtext t;

	if (v6fix_addrtext(ai->ai_addr, ai->ai_addrlen, false, &t))
		snprintf(buf, len, "family %d", ai->ai_family);
	else
		snprintf(buf, len, ai->ai_family == AF_INET6 ? "[%s] port %u" : "%s port %u",
			 t.host, t.port);
	return buf;
}

/*
 * A connection is recorded at accept and answered once its request line is
 * in: "GET /BYTES HTTP/1.x" gets BYTES bytes from a child process
 * (connect --transfer, curl: lib/transfer.c), so a stalled transfer (a PMTU
 * black hole) stalls only itself; anything else the design's answer
 * (serve_answer()). A client that sends nothing (a probe that only connects
 * and reads) gets the design's answer after SERVE_REQUEST_WAIT_MS.
 */
#define SERVE_REQUEST_WAIT_MS 1000
#define SERVE_TRANSFER_S 600

struct conn {
	int fd;
	double since_ms;
	bool answered;
	size_t rlen;
	char req[128];		/* the start of the request: its first line */
};

static void drop(struct conn *c, size_t *n, size_t i)
{
	close(c[i].fd);
	c[i] = c[--*n];
}

/* The design's answer, then our half of the connection closed. */
static void answer_design(const struct serve_ctx *ctx, struct conn *c)
{
	c->answered = true;
	/* Fits any fresh send buffer; a short write only shortens it. */
	if (serve_answer(ctx, c->fd, c->fd) == 0)
		shutdown(c->fd, SHUT_WR);
}

/* Send @bytes on @c from a child; true when the child has it. */
static bool answer_transfer(struct conn *c, uint64_t bytes)
{
	pid_t pid;
	int err;

	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	pid = fork();
	if (pid < 0)
		return false;	/* closed by the caller after the linger */
	if (pid > 0)
		return true;
	/*
	 * The child: dies with the server, at most SERVE_TRANSFER_S in all,
	 * and keeps only its connection (not the listeners: a server started
	 * again on the port must be able to bind it).
	 */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (int fd = 3; fd < 1024; fd++)
		if (fd != c->fd)
			close(fd);
	alarm(SERVE_TRANSFER_S);
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
	err = v6fix_transfer_answer(c->fd, bytes);
	if (err) {
		v6fix_err("serve: sending %llu bytes: %s", (unsigned long long)bytes, strerror(-err));
		_exit(1);
	}
	if (shutdown(c->fd, SHUT_WR) == 0)
		while (read(c->fd, c->req, sizeof(c->req)) > 0)
			;	/* until the client closes */
	_exit(0);
}

/*
 * Take @len bytes of @c's request; once its first line is in (or the
 * buffer is full), answer it. Returns true when a child took the
 * connection over.
 */
static bool take_request(const struct serve_ctx *ctx, struct conn *c, const char *buf, size_t len)
{
	size_t take = sizeof(c->req) - c->rlen;
	uint64_t bytes;

	if (take > len)
		take = len;
	memcpy(c->req + c->rlen, buf, take);
	c->rlen += take;
	if (!memmem(c->req, c->rlen, "\r\n", 2) && c->rlen < sizeof(c->req))
		return false;
	if (v6fix_transfer_parse_request(c->req, c->rlen, &bytes)) {
		c->answered = true;
		return answer_transfer(c, bytes);
	}
	answer_design(ctx, c);
	return false;
}

_Noreturn void serve_loop(const struct serve_ctx *ctx, const int *fds, size_t n)
{
	static struct conn conns[SERVE_MAX_CONNS];
	struct pollfd pfd[SERVE_MAX_LISTEN + 1 + SERVE_MAX_CONNS];
	size_t nconn = 0;
	char scratch[4096];

	if (n > SERVE_MAX_LISTEN)
		n = SERVE_MAX_LISTEN;
	for (;;) {
		size_t np = 0, base;
		int wait = -1;
		double now;

		for (size_t i = 0; i < n; i++)
			pfd[np++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (ctx->watch >= 0)
			pfd[np++] = (struct pollfd){ .fd = ctx->watch, .events = POLLIN };
		base = np;
		for (size_t i = 0; i < nconn; i++) {
			pfd[np++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
			/* Wake for a lingering close; sooner for a request awaited. */
			if (wait != 50)
				wait = conns[i].answered ? 500 : 50;
		}
		if (poll(pfd, np, wait) < 0) {
			if (errno == EINTR)
				continue;
			v6fix_err("serve: poll: %s", strerror(errno));
			exit(1);
		}
		if (ctx->watch >= 0 && pfd[n].revents)
			exit(0);	/* the watched process is gone */
		now = v6fix_now_ms();

		/* Requests in; drain, and close on EOF, error or after SERVE_LINGER_MS. */
		for (size_t k = np; k-- > base;) {
			size_t i = k - base;
			struct conn *c = &conns[i];
			ssize_t r = 1;

			if (pfd[k].revents)
				r = read(c->fd, scratch, sizeof(scratch));
			/* Only bytes just read: a wake for another connection
			 * must not append scratch's stale ones to this request. */
			if (pfd[k].revents && r > 0 && !c->answered &&
			    take_request(ctx, c, scratch, (size_t)r))
				r = 0;	/* handed to a child: done here */
			if (r <= 0 && !(r < 0 && errno == EAGAIN))
				drop(conns, &nconn, i);
			else if (now - c->since_ms > SERVE_LINGER_MS)
				drop(conns, &nconn, i);
			else if (!c->answered && now - c->since_ms >= SERVE_REQUEST_WAIT_MS)
				answer_design(ctx, c);
		}

		for (size_t l = 0; l < n; l++) {
			if (!pfd[l].revents)
				continue;
			for (;;) {
				int fd = accept4(fds[l], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (fd < 0)
					break;
				serve_record(ctx, fd);	/* a lost record: no server side */
				if (nconn == SERVE_MAX_CONNS)
					drop(conns, &nconn, 0);
				conns[nconn++] = (struct conn){ .fd = fd, .since_ms = now };
			}
		}
	}
}
