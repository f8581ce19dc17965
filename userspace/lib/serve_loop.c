// SPDX-License-Identifier: GPL-2.0
/*
 * What the designs share: a listening socket for one getaddrinfo() result,
 * the passive lookup, and the accept loop (poll() over every listening
 * socket, the connections being drained, and the watched process).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addrtext.h"
#include "attempt.h"
#include "serve.h"
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

struct conn {
	int fd;
	double since_ms;
};

static void drop(struct conn *c, size_t *n, size_t i)
{
	close(c[i].fd);
	c[i] = c[--*n];
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
		double now;

		for (size_t i = 0; i < n; i++)
			pfd[np++] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
		if (ctx->watch >= 0)
			pfd[np++] = (struct pollfd){ .fd = ctx->watch, .events = POLLIN };
		base = np;
		for (size_t i = 0; i < nconn; i++)
			pfd[np++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		if (poll(pfd, np, nconn ? 500 : -1) < 0) {
			if (errno == EINTR)
				continue;
			v6fix_err("serve: poll: %s", strerror(errno));
			exit(1);
		}
		if (ctx->watch >= 0 && pfd[n].revents)
			exit(0);	/* the watched process is gone */
		now = v6fix_now_ms();

		/* Drain, and close on EOF, error or after SERVE_LINGER_MS. */
		for (size_t k = np; k-- > base;) {
			size_t i = k - base;
			ssize_t r = 1;

			if (pfd[k].revents)
				r = read(conns[i].fd, scratch, sizeof(scratch));
			if (r <= 0 && !(r < 0 && errno == EAGAIN))
				drop(conns, &nconn, i);
			else if (now - conns[i].since_ms > SERVE_LINGER_MS)
				drop(conns, &nconn, i);
		}

		for (size_t l = 0; l < n; l++) {
			if (!pfd[l].revents)
				continue;
			for (;;) {
				int fd = accept4(fds[l], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (fd < 0)
					break;
				/* Fits any fresh send buffer; a short write only shortens it. */
				if (serve_answer(ctx, fd, fd) < 0 || shutdown(fd, SHUT_WR) < 0) {
					close(fd);
					continue;
				}
				if (nconn == SERVE_MAX_CONNS)
					drop(conns, &nconn, 0);
				conns[nconn++] = (struct conn){ .fd = fd, .since_ms = now };
			}
		}
	}
}
