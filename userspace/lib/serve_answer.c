// SPDX-License-Identifier: GPL-2.0
/*
 * What v6fix serve answers: every design ends here, with the connection's
 * two ends as the server sees them. The text goes into the body of an
 * HTTP/1.0 200 response (curl in the matrix reads that; v6fix connect only
 * connects), the same values as one JSON line into the log (--log), which
 * is how a matrix cell learns which family and address the server saw.
 * Both come from one printer (print.c), the text and the JSON mode.
 *
 * The record is written when the connection is accepted, whatever the
 * client does next; the answer when its request line is in (serve_loop.c
 * sends "GET /BYTES" requests their bytes instead, lib/transfer.c), or
 * after a short wait for a client that only connects and reads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addrtext.h"
#include "attempt.h"
#include "print.h"
#include "serve.h"

struct seen {
	int socket_family;		/* the accepting socket's */
	struct v6fix_addrtext peer;
	struct v6fix_addrtext local;
};

static void describe(const struct serve_ctx *ctx, const struct seen *s)
{
	print_open_object(NULL);
	print_string(PRINT_ANY, "design", "design %s", ctx->design);
	print_string(PRINT_ANY, "socket", " socket %s", v6fix_family_name(s->socket_family));
	print_string(PRINT_ANY, "family", " family %s", v6fix_family_name(s->peer.family));
	print_string(PRINT_ANY, "address", " peer %s", s->peer.host);
	print_uint(PRINT_ANY, "port", " port %llu", s->peer.port);
	print_bool(PRINT_ANY, "mapped", " mapped %s", s->peer.mapped);
	print_string(PRINT_ANY, "local", " local %s", s->local.host);
	print_close_object();
	print_text("\n");
	print_end();
}

/* The description in one mode, as a malloc'ed string (NULL on ENOMEM). */
static char *render(const struct serve_ctx *ctx, const struct seen *s, bool json, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	if (!f)
		return NULL;
	print_init(json, f);
	describe(ctx, s);
	print_init(false, NULL);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * A client that only connects closes at once: its kernel answers our data
 * with a RST, and a second write would raise SIGPIPE. send(MSG_NOSIGNAL)
 * gets EPIPE instead (write() where @fd is not a socket).
 */
static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Both ends of the connection on @fd as the server sees them. */
static int seen_of(const struct serve_ctx *ctx, int fd, struct seen *s)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	if (v6fix_addrtext((struct sockaddr *)&ss, len, ctx->unmap, &s->peer))
		return -EAFNOSUPPORT;
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return -errno;
	s->socket_family = ss.ss_family;
	if (v6fix_addrtext((struct sockaddr *)&ss, len, ctx->unmap, &s->local))
		return -EAFNOSUPPORT;
	return 0;
}

int serve_record(const struct serve_ctx *ctx, int fd)
{
	struct seen s = { 0 };
	size_t llen;
	char *line;
	int rc;

	if (ctx->log_fd < 0)
		return 0;
	rc = seen_of(ctx, fd, &s);
	if (rc)
		return rc;
	line = render(ctx, &s, true, &llen);
	if (!line)
		return -ENOMEM;
	/* One write per line: O_APPEND keeps concurrent writers apart. A lost
	 * record shows as a missing server side. */
	rc = write(ctx->log_fd, line, llen) < 0 ? -errno : 0;
	free(line);
	return rc;
}

int serve_answer(const struct serve_ctx *ctx, int in, int out)
{
	struct seen s = { 0 };
	char head[128], *body, *msg;
	size_t blen;
	int rc, hlen;

	rc = seen_of(ctx, in, &s);
	if (rc)
		return rc;
	body = render(ctx, &s, false, &blen);
	if (!body)
		return -ENOMEM;
	hlen = snprintf(head, sizeof(head),
			"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n\r\n", blen);
	/* One segment: header and body in one write. */
	msg = malloc((size_t)hlen + blen);
	if (!msg) {
		free(body);
		return -ENOMEM;
	}
	memcpy(msg, head, (size_t)hlen);
	memcpy(msg + hlen, body, blen);
	rc = write_all(out, msg, (size_t)hlen + blen);
	free(msg);
	free(body);
	return rc;
}
