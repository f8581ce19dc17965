// SPDX-License-Identifier: GPL-2.0
/*
 * v6fix delayline: a path delay for kernels without sch_netem (this
 * project's host kernel has none). The firewall hands packets to an
 * NFQUEUE (iptables -j NFQUEUE: nft's own `queue` needs nft_queue, which
 * the host lacks, while the xt target works); this object holds each one
 * for DELAY and then accepts it. The delay is constant, so packets leave in
 * arrival order and one batch verdict (NFQNL_MSG_VERDICT_BATCH: every id up
 * to N) releases all that are due. Only metadata is copied to userspace.
 */
/* glibc's headers first: linux/netfilter.h then skips its own in.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attempt.h"
#include "daemon.h"
#include "extack.h"
#include "util.h"
#include "v6fix.h"

/* Also the kernel queue's length: a full ring can never be needed. */
#define DL_RING 4096

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: v6fix [-n NETNS] delayline [ --queue N ] [ --daemon ] [ --exit-with PID ] [ --control ] DELAY\n"
		"Hold every packet of NFQUEUE N (default 0) for DELAY (ms, or with a unit:\n"
		"10ms, 0.5s), then accept it: a path delay where sch_netem is missing.\n"
		"Steer packets to it with e.g.\n"
		"  iptables -t raw -A PREROUTING -j NFQUEUE --queue-num N\n"
		"  --daemon        detach once the queue is bound and print the pid\n"
		"  --exit-with PID exit when process PID exits\n"
		"  --control       read a new DELAY (ms) per line on stdin, answer \"ok\" on\n"
		"                  stdout once it applies (packets already held keep theirs),\n"
		"                  exit at end of input (clientprobe's bisection: one line\n"
		"                  for all its trials)\n"
		"Without the helper running, queued packets are dropped (no fail-open):\n"
		"a path that should be delayed is never silently fast.\n");
}

struct dl {
	struct mnl_socket *nl;
	uint16_t queue;
	double delay_ms;
	uint32_t id[DL_RING];
	double due[DL_RING];
	size_t head, count;
	unsigned long passed, overflow;
};

static struct nlmsghdr *nfq_put(char *buf, int type, uint16_t queue)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(queue);
	return nlh;
}

static int packet_cb(const struct nlmsghdr *nlh, void *data);

/*
 * Send one config request and wait for its ack: 0 or -errno (the extack
 * text kept in v6fix_extack). Once the queue is bound, packets may come
 * before the ack: they are queued as usual.
 */
static int nfq_config(struct dl *d, struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	uint32_t seq = (uint32_t)time(NULL);

	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = seq;
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(d->nl, buf, sizeof(buf));
		const struct nlmsghdr *m = (const struct nlmsghdr *)buf;
		int len = (int)r;

		if (r < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			const char *msg = NULL;
			int err;

			if (m->nlmsg_type != NLMSG_ERROR) {
				packet_cb(m, d);
				continue;
			}
			if (m->nlmsg_seq != seq)
				continue;
			err = v6fix_nlerr_parse(m, (size_t)len, &msg);
			if (err && msg)
				snprintf(v6fix_extack, sizeof(v6fix_extack), "%s", msg);
			return err;
		}
	}
}

static int bind_queue(struct dl *d, const char **what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nfqnl_msg_config_cmd cmd = {
		.command = NFQNL_CFG_CMD_BIND,
		.pf = htons(AF_UNSPEC),
	};
	struct nfqnl_msg_config_params params = {
		.copy_range = htonl(0),
		.copy_mode = NFQNL_COPY_META,
	};
	struct nlmsghdr *nlh;
	int one = 1, err;

	d->nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!d->nl) {
		*what = "netlink socket";
		return -errno;
	}
	if (mnl_socket_bind(d->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		*what = "netlink bind";
		return -errno;
	}
	/* A burst must not overflow the socket: the kernel would drop it. */
	setsockopt(mnl_socket_get_fd(d->nl), SOL_SOCKET, SO_RCVBUFFORCE,
		   &(int){ 4 << 20 }, sizeof(int));
	mnl_socket_setsockopt(d->nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	mnl_socket_setsockopt(d->nl, NETLINK_EXT_ACK, &one, sizeof(one));

	nlh = nfq_put(buf, NFQNL_MSG_CONFIG, d->queue);
	mnl_attr_put(nlh, NFQA_CFG_CMD, sizeof(cmd), &cmd);
	err = nfq_config(d, nlh);
	if (err) {
		*what = "binding the queue";
		return err;
	}
	nlh = nfq_put(buf, NFQNL_MSG_CONFIG, d->queue);
	mnl_attr_put(nlh, NFQA_CFG_PARAMS, sizeof(params), &params);
	mnl_attr_put_u32(nlh, NFQA_CFG_QUEUE_MAXLEN, htonl(DL_RING));
	err = nfq_config(d, nlh);
	if (err)
		*what = "configuring the queue";
	return err;
}

static int attr_cb(const struct nlattr *attr, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(attr);

	/* Unknown attributes of newer kernels are skipped. */
	if (mnl_attr_type_valid(attr, NFQA_MAX) < 0)
		return MNL_CB_OK;
	if (type == NFQA_PACKET_HDR &&
	    mnl_attr_validate2(attr, MNL_TYPE_UNSPEC, sizeof(struct nfqnl_msg_packet_hdr)) < 0)
		return MNL_CB_ERROR;
	tb[type] = attr;
	return MNL_CB_OK;
}

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[NFQA_MAX + 1] = { 0 };
	const struct nfqnl_msg_packet_hdr *ph;
	struct dl *d = data;
	size_t slot;

	if (nlh->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET) ||
	    mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb) < 0 ||
	    !tb[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(tb[NFQA_PACKET_HDR]);
	if (d->count == DL_RING) {
		d->overflow++;	/* cannot happen with the queue's maxlen */
		return MNL_CB_OK;
	}
	slot = (d->head + d->count) % DL_RING;
	d->id[slot] = ntohl(ph->packet_id);
	d->due[slot] = v6fix_now_ms() + d->delay_ms;
	d->count++;
	return MNL_CB_OK;
}

/* Accept every packet that is due with one batch verdict. */
static void release_due(struct dl *d, double now)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nfqnl_msg_verdict_hdr vh;
	struct nlmsghdr *nlh;
	uint32_t last = 0;
	bool any = false;

	while (d->count && d->due[d->head] <= now) {
		last = d->id[d->head];
		d->head = (d->head + 1) % DL_RING;
		d->count--;
		d->passed++;
		any = true;
	}
	if (!any)
		return;
	nlh = nfq_put(buf, NFQNL_MSG_VERDICT_BATCH, d->queue);
	vh.verdict = htonl(NF_ACCEPT);
	vh.id = htonl(last);
	mnl_attr_put(nlh, NFQA_VERDICT_HDR, sizeof(vh), &vh);
	if (mnl_socket_sendto(d->nl, nlh, nlh->nlmsg_len) < 0)
		v6fix_err("delayline: verdict: %s", strerror(errno));
}

/*
 * --control: a line on stdin is the delay of the packets that come next.
 * The answer goes out once it applies, so the sender's next trial never
 * meets the old delay. 0 at end of input (exit), -1 on a bad line.
 */
static int control(struct dl *d)
{
	char line[64];
	double ms;

	if (!fgets(line, sizeof(line), stdin))
		return 0;
	line[strcspn(line, "\n")] = '\0';
	if (v6fix_parse_duration_ms(line, 1, &ms) || ms > 60000) {
		printf("error: bad delay \"%s\"\n", line);
		fflush(stdout);
		return -1;
	}
	d->delay_ms = ms;
	printf("ok\n");
	fflush(stdout);
	return 1;
}

static int run(struct dl *d, int watch, bool ctl)
{
	char *buf = malloc(MNL_SOCKET_BUFFER_SIZE * 4);
	int fd = mnl_socket_get_fd(d->nl);
	unsigned int portid = mnl_socket_get_portid(d->nl);
	int ret = 0;

	if (!buf)
		return 1;
	/*
	 * This process is the network: on a busy machine (QEMU runs beside
	 * the tests) a normal task wakes late by tens of ms, the path's
	 * jitter. A real-time priority makes the delay exact; it uses
	 * almost no CPU. Without the privilege it runs as it is.
	 */
	sched_setscheduler(0, SCHED_FIFO, &(struct sched_param){ .sched_priority = 10 });
	for (;;) {
		struct pollfd pfd[3] = {
			{ .fd = fd, .events = POLLIN },
			{ .fd = watch, .events = POLLIN },
			{ .fd = ctl ? STDIN_FILENO : -1, .events = POLLIN },
		};
		struct timespec ts, *tsp = NULL;
		double now = v6fix_now_ms();

		release_due(d, now);
		if (d->count) {
			ts = v6fix_ms_timespec(d->due[d->head] - now);
			tsp = &ts;
		}
		if (ppoll(pfd, 3, tsp, NULL) < 0) {
			if (errno == EINTR)
				continue;
			v6fix_err("delayline: poll: %s", strerror(errno));
			ret = 1;
			break;
		}
		if (watch >= 0 && pfd[1].revents)
			break;
		/* stdin is a pipe or terminal: fgets() reads the one line there is */
		if (ctl && pfd[2].revents && !control(d))
			break;
		if (!pfd[0].revents)
			continue;
		for (;;) {
			ssize_t r = recv(fd, buf, MNL_SOCKET_BUFFER_SIZE * 4, MSG_DONTWAIT);

			if (r < 0) {
				if (errno != EAGAIN && errno != EINTR && errno != ENOBUFS)
					v6fix_err("delayline: recv: %s", strerror(errno));
				break;
			}
			mnl_cb_run(buf, (size_t)r, 0, portid, packet_cb, d);
		}
	}
	free(buf);	/* LeakSanitizer (host-asan) reports it otherwise */
	return ret;
}

int do_delayline(int argc, char **argv)
{
	static struct dl d;
	const char *delay_arg = NULL, *what = "";
	bool daemon = false, ctl = false;
	pid_t exit_with = 0;
	int watch = -1, err;
	uint32_t q;

	if (argc > 0 && v6fix_is_help(argv[0])) {
		usage(stdout);
		return 0;
	}
	for (; argc > 0; argc--, argv++) {
		const char *a = argv[0];

		if (!strcmp(a, "--queue")) {
			if (argc < 2)
				v6fix_usage_error("--queue needs a number");
			argc--, argv++;
			if (v6fix_parse_u32(argv[0], 65535, &q))
				v6fix_invarg("--queue (0-65535)", argv[0]);
			d.queue = (uint16_t)q;
		} else if (!strcmp(a, "--daemon")) {
			daemon = true;
		} else if (!strcmp(a, "--control")) {
			ctl = true;
		} else if (!strcmp(a, "--exit-with")) {
			if (argc < 2)
				v6fix_usage_error("--exit-with needs a pid");
			argc--, argv++;
			exit_with = v6fix_parse_pid(argv[0]);
		} else if (a[0] == '-' && a[1]) {
			v6fix_usage_error("delayline: unknown option \"%s\" (try 'v6fix delayline help')", a);
		} else if (delay_arg) {
			v6fix_usage_error("unexpected argument \"%s\"", a);
		} else {
			delay_arg = a;
		}
	}
	if (!delay_arg)
		v6fix_usage_error("delayline needs a DELAY (try 'v6fix delayline help')");
	if (v6fix_parse_duration_ms(delay_arg, 1, &d.delay_ms) || d.delay_ms > 60000)
		v6fix_invarg("DELAY (0-60000 ms)", delay_arg);

	err = bind_queue(&d, &what);
	if (err) {
		if (v6fix_extack[0])
			v6fix_err("delayline: %s %u: %s: %s", what, d.queue, strerror(-err), v6fix_extack);
		else
			v6fix_err("delayline: %s %u: %s", what, d.queue, strerror(-err));
		return 1;
	}
	if (exit_with) {
		watch = v6fix_pidfd_open(exit_with);
		if (watch < 0) {
			v6fix_err("delayline: cannot watch pid %d: %s", (int)exit_with, strerror(-watch));
			return 1;
		}
	}
	if (daemon && ctl)
		v6fix_usage_error("delayline: --control reads stdin, --daemon detaches from it: not both");
	if (daemon && v6fix_daemonize() < 0) {
		v6fix_err("delayline: fork: %s", strerror(errno));
		return 1;
	}
	return run(&d, watch, ctl);
}
