// SPDX-License-Identifier: GPL-2.0
/* Real connection attempts: resolution, sequential loop, HE driver (see attempt.h). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "util.h"

struct v6fix_attempt_keep v6fix_attempt_keep = { .fd = -1 };

double v6fix_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timespec v6fix_ms_timespec(double ms)
{
	if (ms < 0)
		ms = 0;
	return (struct timespec){ .tv_sec = (time_t)(ms / 1000),
				  .tv_nsec = (long)fmod(ms * 1e6, 1e9) };
}

const char *v6fix_family_name(int family)
{
	switch (family) {
	case AF_INET6: return "inet6";
	case AF_INET: return "inet";
	default: return "unspec";
	}
}

const char *v6fix_result_name(int err, char *buf, size_t len)
{
	const char *name;

	if (err == 0)
		return "ok";
	if (err == ETIME)	/* not in util's table: only the deadline uses it */
		return "ETIME";
	name = v6fix_errno_name(err);
	if (name)
		return name;
	snprintf(buf, len, "errno %d", err);
	return buf;
}

int v6fix_resolve(const char *host, const char *port, int family,
		  struct v6fix_target **out, size_t *n)
{
	return v6fix_resolve_flags(host, port, family, 0, out, n);
}

int v6fix_resolve_flags(const char *host, const char *port, int family, int flags,
			struct v6fix_target **out, size_t *n)
{
	struct addrinfo hints = {
		.ai_family = family,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | flags,
	};
	struct addrinfo *res, *ai;
	struct v6fix_target *t;
	size_t count = 0;
	int err;

	*out = NULL;
	*n = 0;
	err = getaddrinfo(host, port, &hints, &res);
	if (err)
		return err;
	for (ai = res; ai; ai = ai->ai_next)
		count++;
	t = calloc(count ? count : 1, sizeof(*t));
	if (!t) {
		freeaddrinfo(res);
		return EAI_MEMORY;
	}
	count = 0;
	for (ai = res; ai; ai = ai->ai_next) {
		struct v6fix_target *x = &t[count];

		if ((ai->ai_family != AF_INET && ai->ai_family != AF_INET6) ||
		    ai->ai_addrlen > sizeof(x->sa))
			continue;
		x->family = ai->ai_family;
		memcpy(&x->sa, ai->ai_addr, ai->ai_addrlen);
		x->salen = ai->ai_addrlen;
		if (getnameinfo(ai->ai_addr, ai->ai_addrlen, x->text, sizeof(x->text),
				NULL, 0, NI_NUMERICHOST))
			snprintf(x->text, sizeof(x->text), "?");
		count++;
	}
	freeaddrinfo(res);
	*out = t;
	*n = count;
	return 0;
}

void v6fix_targets_interleave(struct v6fix_target *t, size_t n)
{
	struct v6fix_target *copy;
	size_t *order;
	int *family;

	if (n < 2)
		return;
	copy = malloc(n * sizeof(*copy));
	order = malloc(n * sizeof(*order));
	family = malloc(n * sizeof(*family));
	if (copy && order && family) {
		for (size_t i = 0; i < n; i++)
			family[i] = t[i].family;
		he_interleave(family, n, HE_FIRST_FAMILY_COUNT, order);
		memcpy(copy, t, n * sizeof(*copy));
		for (size_t i = 0; i < n; i++)
			t[i] = copy[order[i]];
	}
	/* Without memory the resolver's order stands: still a valid order. */
	free(copy);
	free(order);
	free(family);
}

long v6fix_connect_seq(const struct v6fix_target *t, size_t n, double timeout_ms,
		       struct he *h, struct he_attempt *att)
{
	double t0 = v6fix_now_ms();
	bool first = true;

	he_init(h, att, n, -1, timeout_ms);
	v6fix_attempt_keep.t0_ms = t0;
	for (;;) {
		/* Times count from the first attempt's start: that is 0.0. */
		double now = first ? 0 : v6fix_now_ms() - t0;
		struct he_step st = he_next(h, now);
		const struct v6fix_target *x;
		int fd, err = 0;

		if (st.action == HE_DONE)
			break;
		first = false;
		if (st.action != HE_START)
			continue;	/* sequential: cannot wait with none running */
		x = &t[st.index];
		fd = socket(x->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			he_report(h, st.index, v6fix_now_ms() - t0, errno);
			continue;
		}
		if (isfinite(timeout_ms)) {
			/*
			 * A blocking connect() gives up after SO_SNDTIMEO with
			 * EINPROGRESS; it changes nothing else in the kernel.
			 */
			double left = timeout_ms - now;
			struct timeval tv;

			if (left < 1)
				left = 1;
			tv.tv_sec = (time_t)(left / 1000);
			tv.tv_usec = (suseconds_t)fmod(left * 1000, 1e6);
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		}
		if (connect(fd, (const struct sockaddr *)&x->sa, x->salen) < 0)
			err = errno;
		now = v6fix_now_ms() - t0;
		if (!err && v6fix_attempt_keep.enabled)
			v6fix_attempt_keep.fd = fd;
		else
			close(fd);
		if (err == EINPROGRESS) {
			/* The deadline passed: he_next() ends the attempt. */
			he_next(h, now > timeout_ms ? now : timeout_ms);
			break;
		}
		he_report(h, st.index, now, err);
	}
	return h->winner;
}

long v6fix_connect_he(const struct v6fix_target *t, size_t n, double delay_ms,
		      double timeout_ms, struct he *h, struct he_attempt *att)
{
	struct pollfd *pfd = calloc(n ? n : 1, sizeof(*pfd));
	size_t *idx = calloc(n ? n : 1, sizeof(*idx));
	int *fds = malloc((n ? n : 1) * sizeof(*fds));
	double t0 = v6fix_now_ms();
	bool first = true;

	he_init(h, att, n, delay_ms, timeout_ms);
	if (!pfd || !idx || !fds) {
		free(pfd);
		free(idx);
		free(fds);
		h->done = true;	/* no attempt made */
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fds[i] = -1;
	v6fix_attempt_keep.t0_ms = t0;

	for (;;) {
		double now = first ? 0 : v6fix_now_ms() - t0;
		struct he_step st = he_next(h, now);
		struct timespec ts, *tsp = NULL;
		size_t np = 0;
		int r;

		first = false;
		if (st.action == HE_DONE)
			break;
		if (st.action == HE_START) {
			const struct v6fix_target *x = &t[st.index];
			int fd = socket(x->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

			if (fd < 0) {
				he_report(h, st.index, v6fix_now_ms() - t0, errno);
				continue;
			}
			if (connect(fd, (const struct sockaddr *)&x->sa, x->salen) == 0) {
				fds[st.index] = fd;	/* kept open until the end */
				he_report(h, st.index, v6fix_now_ms() - t0, 0);
			} else if (errno == EINPROGRESS) {
				fds[st.index] = fd;
			} else {
				int err = errno;

				close(fd);
				he_report(h, st.index, v6fix_now_ms() - t0, err);
			}
			continue;
		}

		/* HE_WAIT: for an outcome, or until the next start/deadline. */
		for (size_t i = 0; i < n; i++) {
			if (att[i].state != HE_RUNNING || fds[i] < 0)
				continue;
			pfd[np].fd = fds[i];
			pfd[np].events = POLLOUT;
			pfd[np].revents = 0;
			idx[np++] = i;
		}
		if (isfinite(st.until_ms)) {
			ts = v6fix_ms_timespec(st.until_ms - now);
			tsp = &ts;
		}
		r = ppoll(pfd, np, tsp, NULL);
		now = v6fix_now_ms() - t0;
		if (r < 0 && errno != EINTR) {
			/* Cannot happen with valid fds: end what runs with it. */
			int err = errno;

			for (size_t k = 0; k < np; k++)
				he_report(h, idx[k], now, err);
			continue;
		}
		for (size_t k = 0; r > 0 && k < np; k++) {
			size_t i = idx[k];
			socklen_t len = sizeof(int);
			int err = 0;

			if (!pfd[k].revents)
				continue;
			if (getsockopt(fds[i], SOL_SOCKET, SO_ERROR, &err, &len) < 0)
				err = errno;
			if (err) {
				close(fds[i]);
				fds[i] = -1;
			}
			he_report(h, i, now, err);
		}
	}
	/* Losers are cancelled by closing; the winner too unless kept. */
	for (size_t i = 0; i < n; i++) {
		if (fds[i] < 0)
			continue;
		if (v6fix_attempt_keep.enabled && (long)i == h->winner) {
			fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) & ~O_NONBLOCK);
			v6fix_attempt_keep.fd = fds[i];
		} else {
			close(fds[i]);
		}
	}
	free(pfd);
	free(idx);
	free(fds);
	return h->winner;
}
