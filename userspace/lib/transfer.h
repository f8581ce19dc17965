/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The data phase of `v6fix connect --transfer BYTES`: on a connected
 * socket, ask `GET /BYTES HTTP/1.0` and read the answer to its end, timing
 * the first and the last byte; and the server's side of the same request
 * (v6fix serve). Times are ms from the connect run's start (the first
 * attempt), so they add up with the connect times.
 */
#ifndef V6FIX_TRANSFER_H
#define V6FIX_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The largest BYTES either side accepts (1 TiB). */
#define V6FIX_TRANSFER_MAX (1ULL << 40)

struct v6fix_transfer {
	uint64_t want;		/* BYTES asked for */
	uint64_t body;		/* body bytes received */
	int status;		/* the HTTP status, 0 if no status line came */
	double first_ms;	/* first byte of the answer; NAN if none */
	double last_ms;		/* the answer's last byte (or when it stopped) */
	bool complete;		/* status 200, body == want, then EOF */
	int err;		/* 0, an errno, or ETIME (the deadline passed) */
};

/*
 * Send the request for @bytes on @fd (blocking) and read until EOF, an
 * error, a body longer than asked, or @deadline_ms (relative to @t0_ms,
 * absolute CLOCK_MONOTONIC ms; INFINITY for none). Fills *@r; returns 0
 * when the body is complete, else -1.
 */
int v6fix_transfer_get(int fd, const char *host, uint64_t bytes, double t0_ms,
		       double deadline_ms, struct v6fix_transfer *r);

/* Print *@r as the "transfer" object (text and JSON: print.h). */
void v6fix_transfer_print(const struct v6fix_transfer *r);

/*
 * The server's side: @req (@len bytes, the start of what a client sent)
 * begins with "GET /BYTES HTTP/1.x"? Then *@bytes = BYTES and true.
 */
bool v6fix_transfer_parse_request(const char *req, size_t len, uint64_t *bytes);

/*
 * Answer such a request on @fd: an HTTP/1.0 200 header with Content-Length
 * @bytes, then @bytes bytes, blocking. Returns 0 or -errno.
 */
int v6fix_transfer_answer(int fd, uint64_t bytes);

#endif
