// SPDX-License-Identifier: GPL-2.0
/* connect --transfer and serve's answer to it (see transfer.h). */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "attempt.h"
#include "print.h"
#include "transfer.h"

#define HEADER_MAX 8192
#define CHUNK (64 * 1024)

/* Decimal BYTES of "/BYTES", ended by @end; false on anything else. */
static bool parse_bytes(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;

	if (s == end || (*s == '0' && end - s > 1))
		return false;
	for (; s < end; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > V6FIX_TRANSFER_MAX)
			return false;
	}
	*out = v;
	return true;
}

bool v6fix_transfer_parse_request(const char *req, size_t len, uint64_t *bytes)
{
	const char *end = req + len, *p, *sp;

	if (len < 5 || memcmp(req, "GET /", 5))
		return false;
	p = req + 5;
	sp = memchr(p, ' ', (size_t)(end - p));
	if (!sp || (size_t)(end - sp) < 9 || memcmp(sp, " HTTP/1.", 8))
		return false;
	return parse_bytes(p, sp, bytes);
}

static int send_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = send(fd, buf, len, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

int v6fix_transfer_answer(int fd, uint64_t bytes)
{
	static char chunk[CHUNK];
	char hdr[160];
	int n, err;

	n = snprintf(hdr, sizeof(hdr),
		     "HTTP/1.0 200 OK\r\nContent-Length: %llu\r\nConnection: close\r\n\r\n",
		     (unsigned long long)bytes);
	err = send_all(fd, hdr, (size_t)n);
	if (!chunk[0])
		memset(chunk, 'x', sizeof(chunk));
	while (!err && bytes) {
		size_t k = bytes < sizeof(chunk) ? (size_t)bytes : sizeof(chunk);

		err = send_all(fd, chunk, k);
		bytes -= k;
	}
	return err;
}

/* "HTTP/1.x NNN " at the start of @h: NNN, else 0. */
static int status_of(const char *h, size_t len)
{
	if (len < 13 || memcmp(h, "HTTP/1.", 7) || h[8] != ' ')
		return 0;
	for (int i = 9; i < 12; i++)
		if (h[i] < '0' || h[i] > '9')
			return 0;
	return (h[9] - '0') * 100 + (h[10] - '0') * 10 + (h[11] - '0');
}

int v6fix_transfer_get(int fd, const char *host, uint64_t bytes, double t0_ms,
		       double deadline_ms, struct v6fix_transfer *r)
{
	static char buf[CHUNK];
	char hdr[HEADER_MAX], req[512];
	size_t hlen = 0;
	bool in_body = false;
	int n;

	*r = (struct v6fix_transfer){ .want = bytes, .first_ms = NAN, .last_ms = NAN };
	n = snprintf(req, sizeof(req), "GET /%llu HTTP/1.0\r\nHost: %s\r\nUser-Agent: v6fix\r\n\r\n",
		     (unsigned long long)bytes, host);
	if (n < 0 || (size_t)n >= sizeof(req)) {
		r->err = ENAMETOOLONG;
		return -1;
	}
	r->err = -send_all(fd, req, (size_t)n);
	r->last_ms = v6fix_now_ms() - t0_ms;
	if (r->err)
		return -1;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		double now = v6fix_now_ms() - t0_ms;
		int timeout = -1, k;
		ssize_t got;

		if (isfinite(deadline_ms)) {
			if (now >= deadline_ms) {
				r->err = ETIME;
				r->last_ms = now;
				break;
			}
			timeout = (int)ceil(deadline_ms - now);
		}
		k = poll(&p, 1, timeout);
		if (k < 0 && errno == EINTR)
			continue;
		if (k == 0)
			continue;	/* the deadline check above ends it */
		got = read(fd, buf, sizeof(buf));
		now = v6fix_now_ms() - t0_ms;
		if (got < 0) {
			if (errno == EINTR)
				continue;
			r->err = errno;
			r->last_ms = now;
			break;
		}
		if (got == 0)
			break;
		if (isnan(r->first_ms))
			r->first_ms = now;
		r->last_ms = now;	/* the answer's last byte so far */
		if (!in_body) {
			/* The header, up to the empty line; the rest is body. */
			size_t take = (size_t)got, end;
			char *eoh;

			if (take > sizeof(hdr) - hlen)
				take = sizeof(hdr) - hlen;
			memcpy(hdr + hlen, buf, take);
			hlen += take;
			eoh = memmem(hdr, hlen, "\r\n\r\n", 4);
			if (!eoh) {
				if (hlen == sizeof(hdr)) {
					r->err = EMSGSIZE;	/* no end of header */
					break;
				}
				continue;
			}
			in_body = true;
			r->status = status_of(hdr, hlen);
			end = (size_t)(eoh - hdr) + 4;
			/* Of this read, what lies after the header. */
			got = (ssize_t)((size_t)got - (end - (hlen - take)));
		}
		if (got > 0)
			r->body += (uint64_t)got;
		if (r->body > r->want) {
			r->err = EMSGSIZE;	/* more than asked for */
			break;
		}
	}
	r->complete = !r->err && r->status == 200 && r->body == r->want;
	return r->complete ? 0 : -1;
}

void v6fix_transfer_print(const struct v6fix_transfer *r)
{
	char buf[32];

	print_open_object("transfer");
	print_uint(PRINT_ANY, "bytes", "transfer %llu bytes", r->want);
	print_uint(PRINT_ANY, "body_bytes", " received %llu", r->body);
	print_int(PRINT_ANY, "status", " status %lld", r->status);
	if (isnan(r->first_ms))
		print_null(PRINT_ANY, "first_byte_ms", " first byte -");
	else
		print_float(PRINT_ANY, "first_byte_ms", " first byte %.1f ms", 1, r->first_ms);
	print_float(PRINT_ANY, "last_byte_ms", " last byte %.1f ms", 1, r->last_ms);
	print_bool(PRINT_ANY, "complete", " complete %s", r->complete);
	print_string(PRINT_ANY, "result", " %s\n",
		     r->err ? v6fix_result_name(r->err, buf, sizeof(buf)) :
		     r->complete ? "ok" : "incomplete");
	print_close_object();
}
