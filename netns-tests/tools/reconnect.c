// SPDX-License-Identifier: GPL-2.0
/*
 * reconnect: the application pattern that made Linux revert "tcp: no longer
 * abort SYN_SENT when receiving some ICMP" (Jan 2024), for
 * netns-tests/vm-debate.sh. Ruby's Socket.tcp(connect_timeout:), which
 * Net-SSH (and so Vagrant) uses, does exactly this:
 *
 *   connect()       non-blocking: EINPROGRESS
 *   poll(POLLOUT)   wakes up on POLLOUT, POLLERR or POLLHUP; tcp_poll()
 *                   reports POLLERR as soon as sk_err is set *or the error
 *                   queue is not empty*, and tcp_v4_err() queues an ICMP
 *                   error there in SYN-SENT whether or not the socket asked
 *                   for it with IP_RECVERR (ipv6_icmp_error() checks
 *                   IPV6_RECVERR itself)
 *   connect()       again, to learn the outcome: 0 or EISCONN is success,
 *                   an errno the failure; EALREADY means "still
 *                   connecting", which Net-SSH took for an error.
 *
 * Usage: reconnect [--recverr] [--errqueue] [--check connect|so_error]
 *                  [--timeout SECONDS] ADDRESS PORT
 *   --recverr     set IP_RECVERR / IPV6_RECVERR before connecting
 *   --errqueue    on POLLERR, read the error queue (MSG_ERRQUEUE) first,
 *                 reporting each message, as a RECVERR application would
 *   --check HOW   how to learn the outcome after poll(): connect() again
 *                 (default, Net-SSH) or getsockopt(SO_ERROR) (OpenSSH's
 *                 timeout_connect())
 *   --timeout S   poll() budget (default 10 s): outcome "timeout"
 *
 * Output: one JSON object per line, "ms" since the first connect():
 *   {"ms":0.0,"event":"connect","errno":"EINPROGRESS"}
 *   {"ms":21.3,"event":"poll","revents":"POLLOUT|POLLERR|POLLHUP"}
 *   {"ms":21.4,"event":"errqueue","errno":"ENETUNREACH","origin":"icmp6",
 *    "type":1,"code":0}
 *   {"ms":21.5,"event":"connect","errno":"EALREADY"}
 *   {"ms":21.5,"event":"result","outcome":"EALREADY"}
 * "outcome" is "connected", "timeout" or the errno name of the check.
 * Exit status 0 when an outcome was reached, 2 on bad usage, 1 otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static struct timespec t0;

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0.tv_sec) * 1e3 + (t.tv_nsec - t0.tv_nsec) / 1e6;
}

static const char *errname(int e)
{
	const char *n = e ? strerrorname_np(e) : "0";

	return n ? n : "unknown";
}

static void usage(void)
{
	fprintf(stderr, "reconnect: usage: reconnect [--recverr] [--errqueue] "
		"[--check connect|so_error] [--timeout S] ADDRESS PORT\n");
	exit(2);
}

static void event_errno(const char *event, int e)
{
	printf("{\"ms\":%.1f,\"event\":\"%s\",\"errno\":\"%s\"}\n", now_ms(), event,
	       errname(e));
}

static int result(const char *outcome)
{
	printf("{\"ms\":%.1f,\"event\":\"result\",\"outcome\":\"%s\"}\n", now_ms(),
	       outcome);
	return 0;
}

static void print_revents(short r)
{
	static const struct { short bit; const char *name; } bits[] = {
		{ POLLIN, "POLLIN" }, { POLLOUT, "POLLOUT" },
		{ POLLERR, "POLLERR" }, { POLLHUP, "POLLHUP" },
	};
	const char *sep = "";

	printf("{\"ms\":%.1f,\"event\":\"poll\",\"revents\":\"", now_ms());
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		if (r & bits[i].bit) {
			printf("%s%s", sep, bits[i].name);
			sep = "|";
		}
	}
	printf("\"}\n");
}

/* Every message on the error queue, one event each. */
static void drain_errqueue(int fd)
{
	char cbuf[512], data[256];

	for (;;) {
		struct iovec iov = { data, sizeof(data) };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = cbuf,
				      .msg_controllen = sizeof(cbuf) };
		struct cmsghdr *c;

		if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) {
			if (errno != EAGAIN)
				event_errno("errqueue-recvmsg", errno);
			return;
		}
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			struct sock_extended_err ee;
			const char *origin;

			if (!((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
			      (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR)))
				continue;
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			origin = ee.ee_origin == SO_EE_ORIGIN_ICMP ? "icmp" :
				 ee.ee_origin == SO_EE_ORIGIN_ICMP6 ? "icmp6" :
				 ee.ee_origin == SO_EE_ORIGIN_LOCAL ? "local" : "other";
			printf("{\"ms\":%.1f,\"event\":\"errqueue\",\"errno\":\"%s\","
			       "\"origin\":\"%s\",\"type\":%u,\"code\":%u}\n",
			       now_ms(), errname(ee.ee_errno), origin, ee.ee_type,
			       ee.ee_code);
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "recverr", no_argument, NULL, 'r' },
		{ "errqueue", no_argument, NULL, 'e' },
		{ "check", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool recverr = false, errqueue = false, so_error = false;
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	double timeout_s = 10, deadline;
	socklen_t len;
	char *end;
	long port;
	int o, fd, one = 1;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 'r': recverr = true; break;
		case 'e': errqueue = true; break;
		case 'c':
			if (!strcmp(optarg, "so_error"))
				so_error = true;
			else if (strcmp(optarg, "connect"))
				usage();
			break;
		case 't':
			timeout_s = strtod(optarg, &end);
			if (*end || !(timeout_s > 0 && timeout_s < 3600))
				usage();
			break;
		default: usage();
		}
	}
	if (argc - optind != 2)
		usage();
	port = strtol(argv[optind + 1], &end, 10);
	if (*end || port < 1 || port > 65535)
		usage();
	if (inet_pton(AF_INET6, argv[optind], &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		len = sizeof(*a6);
	} else if (inet_pton(AF_INET, argv[optind], &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		len = sizeof(*a4);
	} else {
		usage();
	}

	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		perror("reconnect: socket");
		return 1;
	}
	if (recverr &&
	    (ss.ss_family == AF_INET6 ?
	     setsockopt(fd, SOL_IPV6, IPV6_RECVERR, &one, sizeof(one)) :
	     setsockopt(fd, SOL_IP, IP_RECVERR, &one, sizeof(one)))) {
		perror("reconnect: setsockopt RECVERR");
		return 1;
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return result("connected");
	event_errno("connect", errno);
	if (errno != EINPROGRESS)
		return result(errname(errno));

	deadline = timeout_s * 1e3;
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		double left = deadline - now_ms();
		int n, e;

		if (left <= 0)
			return result("timeout");
		n = poll(&p, 1, (int)left + 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("reconnect: poll");
			return 1;
		}
		if (n == 0)
			continue;
		print_revents(p.revents);
		if (errqueue && (p.revents & POLLERR))
			drain_errqueue(fd);
		if (so_error) {
			socklen_t l = sizeof(e);

			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l)) {
				perror("reconnect: getsockopt SO_ERROR");
				return 1;
			}
			event_errno("so_error", e);
			return result(e ? errname(e) : "connected");
		}
		e = connect(fd, (struct sockaddr *)&ss, len) ? errno : 0;
		event_errno("connect", e);
		if (e == 0 || e == EISCONN)
			return result("connected");
		return result(errname(e));
	}
}
