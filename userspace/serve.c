// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix serve: the server of the test topology. Debian installs no TCP
 * listener by default (no socat, no nc) and bash cannot listen, so the tool
 * brings its own: accept on PORT over IPv6, IPv4 or both, answer each
 * request with an empty HTTP/1.0 response (so curl is a valid client
 * too), or "GET /BYTES" with BYTES bytes (connect --transfer), then close
 * it once the client has finished sending.
 */
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

#include "attempt.h"
#include "daemon.h"
#include "transfer.h"
#include "util.h"
#include "v6fix.h"

#define SERVE_MAX_CONNS 256
#define SERVE_LINGER_MS 5000
#define SERVE_TRANSFER_S 600

static const char response[] =
	"HTTP/1.0 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] serve [ -4 | -6 ] [ --daemon ] [ --exit-with PID ] PORT\n"
		"A TCP listener for tests: accepts on PORT, answers each request with an\n"
		"empty HTTP/1.0 200 response and closes it; \"GET /BYTES HTTP/1.x\" gets\n"
		"BYTES bytes of body (connect --transfer, curl).\n"
		"  -4, -6          listen on IPv4 only or IPv6 only (default: both, one socket)\n"
		"  --daemon        detach once listening and print the listener's pid\n"
		"  --exit-with PID exit when process PID exits\n");
}

static int listen_on(int family, bool v6only, uint16_t port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len;
	int fd, one = 1;

	fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		int v = v6only;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof(v)) < 0)
			goto fail;
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons(port);
		len = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_ANY);
		s4->sin_port = htons(port);
		len = sizeof(*s4);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 128) < 0)
		goto fail;
	return fd;
fail:
	one = -errno;
	close(fd);
	return one;
}

struct conn {
	int fd;
	double since_ms;
	bool answered;
	size_t rlen;
	char req[128];		/* the start of the request: its first line */
};

/*
 * Answer a connection once its request line is in (or its buffer full):
 * "GET /BYTES HTTP/1.x" gets BYTES bytes (connect --transfer, curl), from
 * a child process, so a stalled transfer (a PMTU black hole) stalls only
 * itself; anything else the empty HTTP/1.0 200 response. Returns true
 * when the connection was handed to a child.
 */
static bool answer(struct conn *c, const char *buf, size_t len)
{
	size_t take = sizeof(c->req) - c->rlen;
	uint64_t bytes;
	pid_t pid;
	int err;

	if (take > len)
		take = len;
	memcpy(c->req + c->rlen, buf, take);
	c->rlen += take;
	if (!memmem(c->req, c->rlen, "\r\n", 2) && c->rlen < sizeof(c->req))
		return false;
	c->answered = true;
	if (!v6fix_transfer_parse_request(c->req, c->rlen, &bytes)) {
		/* Fits any fresh send buffer; a short write only shortens it. */
		if (write(c->fd, response, sizeof(response) - 1) >= 0)
			shutdown(c->fd, SHUT_WR);
		return false;
	}
	signal(SIGCHLD, SIG_IGN);	/* children reap themselves */
	pid = fork();
	if (pid < 0)
		return false;	/* closed by the caller after the linger */
	if (pid > 0)
		return true;
	/*
	 * The child: dies with the server, at most SERVE_TRANSFER_S in all,
	 * and keeps only its connection (not the listener: a server started
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

static void drop(struct conn *c, size_t *n, size_t i)
{
	close(c[i].fd);
	c[i] = c[--*n];
}

static void serve_loop(int lfd, int watch)
{
	static struct conn conns[SERVE_MAX_CONNS];
	struct pollfd pfd[SERVE_MAX_CONNS + 2];
	size_t nconn = 0;
	char scratch[4096];

	for (;;) {
		size_t np = 0, base;
		double now;

		pfd[np++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		if (watch >= 0)
			pfd[np++] = (struct pollfd){ .fd = watch, .events = POLLIN };
		base = np;
		for (size_t i = 0; i < nconn; i++)
			pfd[np++] = (struct pollfd){ .fd = conns[i].fd, .events = POLLIN };
		if (poll(pfd, np, nconn ? 500 : -1) < 0) {
			if (errno == EINTR)
				continue;
			v6fix_err("serve: poll: %s", strerror(errno));
			exit(1);
		}
		if (watch >= 0 && pfd[1].revents)
			exit(0);	/* the watched process is gone */
		now = v6fix_now_ms();

		/* Drain, and close on EOF, error or after SERVE_LINGER_MS. */
		for (size_t k = np; k-- > base;) {
			size_t i = k - base;
			ssize_t r = 1;

			if (pfd[k].revents)
				r = read(conns[i].fd, scratch, sizeof(scratch));
			if (r > 0 && !conns[i].answered && answer(&conns[i], scratch, (size_t)r))
				r = 0;	/* handed to a child: done here */
			if (r <= 0 && !(r < 0 && errno == EAGAIN))
				drop(conns, &nconn, i);
			else if (now - conns[i].since_ms > SERVE_LINGER_MS)
				drop(conns, &nconn, i);
		}

		if (pfd[0].revents) {
			for (;;) {
				int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

				if (fd < 0)
					break;
				if (nconn == SERVE_MAX_CONNS)
					drop(conns, &nconn, 0);
				conns[nconn++] = (struct conn){ .fd = fd, .since_ms = now };
			}
		}
	}
}

int do_serve(int argc, char **argv)
{
	int family = AF_UNSPEC, lfd, watch = -1;
	bool daemon = false;
	const char *port_arg = NULL;
	pid_t exit_with = 0;
	uint32_t port;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		const char *a = argv[0];

		if (!strcmp(a, "-4") || !strcmp(a, "-6")) {
			int f = a[1] == '4' ? AF_INET : AF_INET6;

			if (family != AF_UNSPEC && family != f)
				v6fix_usage_error("-4 and -6 exclude each other");
			family = f;
		} else if (!strcmp(a, "--daemon")) {
			daemon = true;
		} else if (!strcmp(a, "--exit-with")) {
			if (argc < 2)
				v6fix_usage_error("--exit-with needs a pid");
			argc--, argv++;
			exit_with = v6fix_parse_pid(argv[0]);
		} else if (a[0] == '-' && a[1]) {
			v6fix_usage_error("serve: unknown option \"%s\" (try 'v6fix serve help')", a);
		} else if (port_arg) {
			v6fix_usage_error("unexpected argument \"%s\"", a);
		} else {
			port_arg = a;
		}
	}
	if (!port_arg)
		v6fix_usage_error("serve needs a PORT (try 'v6fix serve help')");
	if (v6fix_parse_u32(port_arg, 65535, &port) || port == 0)
		v6fix_invarg("PORT (1-65535)", port_arg);

	if (family == AF_INET)
		lfd = listen_on(AF_INET, false, (uint16_t)port);
	else
		lfd = listen_on(AF_INET6, family == AF_INET6, (uint16_t)port);
	if (lfd < 0) {
		v6fix_err("serve: cannot listen on port %u: %s", port, strerror(-lfd));
		return 1;
	}
	if (exit_with) {
		watch = v6fix_pidfd_open(exit_with);
		if (watch < 0) {
			v6fix_err("serve: cannot watch pid %d: %s", (int)exit_with, strerror(-watch));
			return 1;
		}
	}
	if (daemon && v6fix_daemonize() < 0) {
		v6fix_err("serve: fork: %s", strerror(errno));
		return 1;
	}
	serve_loop(lfd, watch);
	return 0;
}
