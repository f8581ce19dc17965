// SPDX-License-Identifier: GPL-2.0
/* The v6fix generic netlink family, from userspace (see genl.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

#include "extack.h"
#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct v6fix_genl {
	struct nl_sock *sk;
	int family;
};

static const char *const policy_names[] = {
	[V6FIX_POLICY_PASS] = "pass",
	[V6FIX_POLICY_HARD] = "hard",
	[V6FIX_POLICY_RFC1122] = "rfc1122",
	[V6FIX_POLICY_BSD] = "bsd",
	[V6FIX_POLICY_RETRIES] = "retries",
};

const char *v6fix_policy_name(uint32_t policy)
{
	return policy <= V6FIX_POLICY_MAX ? policy_names[policy] : NULL;
}

int v6fix_policy_parse(const char *name)
{
	for (int i = 0; i <= V6FIX_POLICY_MAX; i++)
		if (!strcmp(name, policy_names[i]))
			return i;
	return -1;
}

static const char *const errqueue_names[] = {
	[V6FIX_ERRQUEUE_STOCK] = "stock",
	[V6FIX_ERRQUEUE_RECVERR] = "recverr",
};

const char *v6fix_errqueue_name(uint32_t errqueue)
{
	return errqueue <= V6FIX_ERRQUEUE_MAX ? errqueue_names[errqueue] : NULL;
}

int v6fix_errqueue_parse(const char *name)
{
	for (int i = 0; i <= V6FIX_ERRQUEUE_MAX; i++)
		if (!strcmp(name, errqueue_names[i]))
			return i;
	return -1;
}

int v6fix_genl_open(struct v6fix_genl **gp)
{
	struct v6fix_genl *g;
	int one = 1, ret;

	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->sk = nl_socket_alloc();
	if (!g->sk) {
		free(g);
		return -ENOMEM;
	}
	ret = genl_connect(g->sk);
	if (ret < 0) {
		ret = -EPROTO;
		goto err;
	}
	/* Ask for the kernel's extended-ack messages; old kernels ignore it. */
	setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));

	/* Resolving the name also autoloads the module (its family alias). */
	g->family = genl_ctrl_resolve(g->sk, V6FIX_GENL_NAME);
	if (g->family < 0) {
		ret = -ENOENT;
		goto err;
	}
	*gp = g;
	return 0;
err:
	nl_socket_free(g->sk);
	free(g);
	return ret;
}

void v6fix_genl_close(struct v6fix_genl *g)
{
	if (!g)
		return;
	nl_socket_free(g->sk);
	free(g);
}

struct request {
	int error;	/* 0, or -errno from the kernel */
	bool done;
	int (*parse)(struct nlmsghdr *nlh, void *arg);
	void *arg;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *rq = arg;

	if (rq->parse) {
		int ret = rq->parse(nlmsg_hdr(msg), rq->arg);

		if (ret < 0 && !rq->error)
			rq->error = ret;
	}
	return NL_OK;
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct request *rq = arg;
	const char *msg;

	(void)nla;
	rq->error = v6fix_nlerr_parse(nlh, nlh->nlmsg_len, &msg);
	if (msg)
		snprintf(v6fix_extack, sizeof(v6fix_extack), "%s", msg);
	rq->done = true;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request *rq = arg;

	(void)msg;
	rq->done = true;
	return NL_STOP;
}

/* The end of a dump (NLMSG_DONE): dumps get no ACK. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	struct request *rq = arg;

	(void)msg;
	rq->done = true;
	return NL_STOP;
}

/* Send @msg (consumed) and read replies until the ACK (or a dump's end) or an error. */
static int transact(struct v6fix_genl *g, struct nl_msg *msg,
		    int (*parse)(struct nlmsghdr *, void *), void *arg)
{
	struct request rq = { .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int ret;

	v6fix_extack[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &rq);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &rq);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &rq);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &rq);

	ret = nl_send_auto(g->sk, msg);	/* adds NLM_F_ACK */
	nlmsg_free(msg);
	if (ret < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!rq.done) {
		ret = nl_recvmsgs(g->sk, cb);
		if (ret < 0 && !rq.done) {
			nl_cb_put(cb);
			return rq.error ? rq.error : -EIO;
		}
	}
	nl_cb_put(cb);
	return rq.error;
}

static struct nl_msg *new_request(struct v6fix_genl *g, uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0, 0, cmd,
			 V6FIX_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

int v6fix_genl_parse_config(struct nlmsghdr *nlh, struct v6fix_config *cfg)
{
	struct nlattr *tb[V6FIX_A_MAX + 1];
	static struct nla_policy pol[V6FIX_A_MAX + 1] = {
		[V6FIX_A_VERSION] = { .type = NLA_NUL_STRING },
		[V6FIX_A_NETNS_INUM] = { .type = NLA_U32 },
		[V6FIX_A_POLICY_INET6] = { .type = NLA_U32 },
		[V6FIX_A_POLICY_INET] = { .type = NLA_U32 },
		[V6FIX_A_BSD_RETRIES] = { .type = NLA_U32 },
		[V6FIX_A_ERRQUEUE] = { .type = NLA_U32 },
	};

	memset(cfg, 0, sizeof(*cfg));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    genlmsg_parse(nlh, 0, tb, V6FIX_A_MAX, pol) < 0)
		return -EBADMSG;
	if (!tb[V6FIX_A_VERSION] || !tb[V6FIX_A_NETNS_INUM] ||
	    !tb[V6FIX_A_POLICY_INET6] || !tb[V6FIX_A_POLICY_INET] ||
	    !tb[V6FIX_A_BSD_RETRIES])
		return -EBADMSG;
	nla_strlcpy(cfg->version, tb[V6FIX_A_VERSION], sizeof(cfg->version));
	cfg->netns_inum = nla_get_u32(tb[V6FIX_A_NETNS_INUM]);
	cfg->policy_inet6 = nla_get_u32(tb[V6FIX_A_POLICY_INET6]);
	cfg->policy_inet = nla_get_u32(tb[V6FIX_A_POLICY_INET]);
	cfg->bsd_retries = nla_get_u32(tb[V6FIX_A_BSD_RETRIES]);
	/* Modules before the setting existed behave as "stock". */
	if (tb[V6FIX_A_ERRQUEUE])
		cfg->errqueue = nla_get_u32(tb[V6FIX_A_ERRQUEUE]);
	return 0;
}

static int parse_config_cb(struct nlmsghdr *nlh, void *arg)
{
	return v6fix_genl_parse_config(nlh, arg);
}

int v6fix_genl_get_config(struct v6fix_genl *g, struct v6fix_config *cfg)
{
	struct nl_msg *msg = new_request(g, V6FIX_CMD_GET_CONFIG);

	if (!msg)
		return -ENOMEM;
	return transact(g, msg, parse_config_cb, cfg);
}

int v6fix_genl_set_config(struct v6fix_genl *g, const struct v6fix_config_set *set)
{
	struct nl_msg *msg = new_request(g, V6FIX_CMD_SET_CONFIG);

	if (!msg)
		return -ENOMEM;
	if ((set->has_policy_inet6 &&
	     nla_put_u32(msg, V6FIX_A_POLICY_INET6, set->policy_inet6) < 0) ||
	    (set->has_policy_inet &&
	     nla_put_u32(msg, V6FIX_A_POLICY_INET, set->policy_inet) < 0) ||
	    (set->has_bsd_retries &&
	     nla_put_u32(msg, V6FIX_A_BSD_RETRIES, set->bsd_retries) < 0) ||
	    (set->has_errqueue &&
	     nla_put_u32(msg, V6FIX_A_ERRQUEUE, set->errqueue) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(g, msg, NULL, NULL);
}

static const char *const action_names[] = {
	[V6FIX_ACTION_PASSED] = "passed",
	[V6FIX_ACTION_ABORTED] = "aborted",
	[V6FIX_ACTION_DEFERRED_ABORT] = "deferred-abort",
	[V6FIX_ACTION_SUPPRESSED] = "suppressed",
	[V6FIX_ACTION_IGNORED_SPOOFED] = "ignored-spoofed",
	[V6FIX_ACTION_IGNORED_NOT_SYN_SENT] = "ignored-not-syn-sent",
	[V6FIX_ACTION_IGNORED_NO_SOCKET] = "ignored-no-socket",
	[V6FIX_ACTION_IGNORED_MALFORMED] = "ignored-malformed",
};

const char *v6fix_action_name(uint32_t action)
{
	return action <= V6FIX_ACTION_MAX ? action_names[action] : NULL;
}

static bool family_ok(uint8_t family)
{
	return family == AF_INET || family == AF_INET6;
}

/* One V6FIX_STATS_ENTRY nest; unknown attributes inside are skipped. */
static int parse_stat(struct nlattr *nest, struct v6fix_stat *e)
{
	struct nlattr *tb[V6FIX_STAT_A_MAX + 1];
	static struct nla_policy pol[V6FIX_STAT_A_MAX + 1] = {
		[V6FIX_STAT_A_FAMILY] = { .type = NLA_U8 },
		[V6FIX_STAT_A_ICMP_TYPE] = { .type = NLA_U8 },
		[V6FIX_STAT_A_ICMP_CODE] = { .type = NLA_U8 },
		[V6FIX_STAT_A_ACTION] = { .type = NLA_U32 },
		[V6FIX_STAT_A_COUNT] = { .type = NLA_U64 },
	};

	if (nla_parse_nested(tb, V6FIX_STAT_A_MAX, nest, pol) < 0)
		return -EBADMSG;
	if (!tb[V6FIX_STAT_A_FAMILY] || !tb[V6FIX_STAT_A_ICMP_TYPE] ||
	    !tb[V6FIX_STAT_A_ICMP_CODE] || !tb[V6FIX_STAT_A_ACTION] ||
	    !tb[V6FIX_STAT_A_COUNT])
		return -EBADMSG;
	e->family = nla_get_u8(tb[V6FIX_STAT_A_FAMILY]);
	e->icmp_type = nla_get_u8(tb[V6FIX_STAT_A_ICMP_TYPE]);
	e->icmp_code = nla_get_u8(tb[V6FIX_STAT_A_ICMP_CODE]);
	e->action = nla_get_u32(tb[V6FIX_STAT_A_ACTION]);
	e->count = nla_get_u64(tb[V6FIX_STAT_A_COUNT]);
	if (!family_ok(e->family))
		return -EBADMSG;
	return 0;
}

int v6fix_genl_parse_stats(struct nlmsghdr *nlh, struct v6fix_stats *st)
{
	struct nlattr *tb[V6FIX_A_MAX + 1], *pos;
	static struct nla_policy pol[V6FIX_A_MAX + 1] = {
		[V6FIX_A_NETNS_INUM] = { .type = NLA_U32 },
		[V6FIX_A_STATS] = { .type = NLA_NESTED },
	};
	int rem, ret;

	st->n = 0;
	st->netns_inum = 0;
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    genlmsg_parse(nlh, 0, tb, V6FIX_A_MAX, pol) < 0)
		return -EBADMSG;
	if (!tb[V6FIX_A_NETNS_INUM])
		return -EBADMSG;
	st->netns_inum = nla_get_u32(tb[V6FIX_A_NETNS_INUM]);
	/* The module always sends the nest; without it there is nothing. */
	if (!tb[V6FIX_A_STATS])
		return 0;
	nla_for_each_nested(pos, tb[V6FIX_A_STATS], rem) {
		if (nla_type(pos) != V6FIX_STATS_ENTRY)
			continue;
		if (st->n == V6FIX_STATS_MAX)
			return -EMSGSIZE;
		ret = parse_stat(pos, &st->entry[st->n]);
		if (ret)
			return ret;
		st->n++;
	}
	return 0;
}

static int parse_stats_cb(struct nlmsghdr *nlh, void *arg)
{
	return v6fix_genl_parse_stats(nlh, arg);
}

int v6fix_genl_get_stats(struct v6fix_genl *g, struct v6fix_stats *st)
{
	struct nl_msg *msg = new_request(g, V6FIX_CMD_GET_STATS);

	if (!msg)
		return -ENOMEM;
	st->n = 0;
	return transact(g, msg, parse_stats_cb, st);
}

int v6fix_genl_reset_stats(struct v6fix_genl *g)
{
	struct nl_msg *msg = new_request(g, V6FIX_CMD_RESET_STATS);

	if (!msg)
		return -ENOMEM;
	return transact(g, msg, NULL, NULL);
}

/*
 * The event's address attributes of @family (uapi: one attribute per family,
 * NLA_IN_ADDR or NLA_IN6_ADDR): @type4 or @type6, the other absent. Returns
 * 1 if given, 0 if neither is, -EBADMSG for the other family's.
 */
static int get_addr(struct nlattr **tb, int type4, int type6, uint8_t family,
		    uint8_t *out)
{
	int want = family == AF_INET6 ? type6 : type4;
	int other = family == AF_INET6 ? type4 : type6;

	if (tb[other])
		return -EBADMSG;
	if (!tb[want])
		return 0;
	memset(out, 0, 16);
	memcpy(out, nla_data(tb[want]), nla_len(tb[want]));
	return 1;
}

int v6fix_genl_parse_event(struct nlmsghdr *nlh, struct v6fix_event_msg *ev)
{
	struct nlattr *tb[V6FIX_EV_A_MAX + 1];
	static struct nla_policy pol[V6FIX_EV_A_MAX + 1] = {
		[V6FIX_EV_A_TIMESTAMP_NS] = { .type = NLA_U64 },
		[V6FIX_EV_A_FAMILY] = { .type = NLA_U8 },
		[V6FIX_EV_A_ICMP_TYPE] = { .type = NLA_U8 },
		[V6FIX_EV_A_ICMP_CODE] = { .type = NLA_U8 },
		[V6FIX_EV_A_ERRNO] = { .type = NLA_U32 },
		[V6FIX_EV_A_POLICY] = { .type = NLA_U32 },
		[V6FIX_EV_A_ACTION] = { .type = NLA_U32 },
		[V6FIX_EV_A_SYN_RETRANS] = { .type = NLA_U32 },
		[V6FIX_EV_A_DELAY_NS] = { .type = NLA_U64 },
		/* Exact lengths: libnl checks only a minimum unless told. */
		[V6FIX_EV_A_ICMP_SOURCE4] = { .minlen = 4, .maxlen = 4 },
		[V6FIX_EV_A_ICMP_SOURCE6] = { .minlen = 16, .maxlen = 16 },
		[V6FIX_EV_A_SADDR4] = { .minlen = 4, .maxlen = 4 },
		[V6FIX_EV_A_SADDR6] = { .minlen = 16, .maxlen = 16 },
		[V6FIX_EV_A_DADDR4] = { .minlen = 4, .maxlen = 4 },
		[V6FIX_EV_A_DADDR6] = { .minlen = 16, .maxlen = 16 },
		[V6FIX_EV_A_SPORT] = { .minlen = 2, .maxlen = 2 },
		[V6FIX_EV_A_DPORT] = { .minlen = 2, .maxlen = 2 },
		[V6FIX_EV_A_SCOPE_ID] = { .type = NLA_U32 },
	};
	int src, sa, da;

	memset(ev, 0, sizeof(*ev));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    genlmsg_parse(nlh, 0, tb, V6FIX_EV_A_MAX, pol) < 0)
		return -EBADMSG;
	if (!tb[V6FIX_EV_A_TIMESTAMP_NS] || !tb[V6FIX_EV_A_FAMILY] ||
	    !tb[V6FIX_EV_A_ICMP_TYPE] || !tb[V6FIX_EV_A_ICMP_CODE] ||
	    !tb[V6FIX_EV_A_ERRNO] ||
	    !tb[V6FIX_EV_A_POLICY] || !tb[V6FIX_EV_A_ACTION])
		return -EBADMSG;
	ev->timestamp_ns = nla_get_u64(tb[V6FIX_EV_A_TIMESTAMP_NS]);
	ev->family = nla_get_u8(tb[V6FIX_EV_A_FAMILY]);
	if (!family_ok(ev->family))
		return -EBADMSG;
	ev->icmp_type = nla_get_u8(tb[V6FIX_EV_A_ICMP_TYPE]);
	ev->icmp_code = nla_get_u8(tb[V6FIX_EV_A_ICMP_CODE]);
	src = get_addr(tb, V6FIX_EV_A_ICMP_SOURCE4, V6FIX_EV_A_ICMP_SOURCE6,
		       ev->family, ev->icmp_source);
	if (src != 1)
		return -EBADMSG;
	ev->err = nla_get_u32(tb[V6FIX_EV_A_ERRNO]);
	ev->policy = nla_get_u32(tb[V6FIX_EV_A_POLICY]);
	ev->action = nla_get_u32(tb[V6FIX_EV_A_ACTION]);

	sa = get_addr(tb, V6FIX_EV_A_SADDR4, V6FIX_EV_A_SADDR6, ev->family, ev->saddr);
	da = get_addr(tb, V6FIX_EV_A_DADDR4, V6FIX_EV_A_DADDR6, ev->family, ev->daddr);
	if (sa < 0 || da < 0)
		return -EBADMSG;
	if (sa || da || tb[V6FIX_EV_A_SPORT] || tb[V6FIX_EV_A_DPORT]) {
		/* Half a connection is none. */
		if (!sa || !da || !tb[V6FIX_EV_A_SPORT] || !tb[V6FIX_EV_A_DPORT])
			return -EBADMSG;
		/* NLA_BE16: network byte order. */
		ev->sport = ntohs(nla_get_u16(tb[V6FIX_EV_A_SPORT]));
		ev->dport = ntohs(nla_get_u16(tb[V6FIX_EV_A_DPORT]));
		ev->has_conn = true;
	}
	if (tb[V6FIX_EV_A_SYN_RETRANS]) {
		ev->syn_retrans = nla_get_u32(tb[V6FIX_EV_A_SYN_RETRANS]);
		ev->has_retrans = true;
	}
	if (tb[V6FIX_EV_A_DELAY_NS]) {
		ev->delay_ns = nla_get_u64(tb[V6FIX_EV_A_DELAY_NS]);
		ev->has_delay = true;
	}
	if (tb[V6FIX_EV_A_SCOPE_ID]) {
		ev->scope_id = nla_get_u32(tb[V6FIX_EV_A_SCOPE_ID]);
		ev->has_scope = true;
	}
	return 0;
}

struct monitor {
	int (*cb)(const struct v6fix_event_msg *ev, void *arg);
	void *arg;
	int ret;
};

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct monitor *m = arg;
	struct v6fix_event_msg ev;
	struct genlmsghdr *gh;

	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NL_SKIP;
	gh = nlmsg_data(nlh);
	/* Newer modules may send other notifications: not ours to show. */
	if (gh->cmd != V6FIX_CMD_EVENT || v6fix_genl_parse_event(nlh, &ev))
		return NL_SKIP;
	m->ret = m->cb(&ev, m->arg);
	return m->ret ? NL_STOP : NL_OK;
}

/* Notifications carry sequence number 0: nothing to check. */
static int no_seq_check(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

int v6fix_genl_monitor(struct v6fix_genl *g,
		       int (*cb)(const struct v6fix_event_msg *ev, void *arg),
		       void (*lost)(void *arg), void *arg)
{
	struct monitor m = { .cb = cb, .arg = arg };
	struct nl_cb *ncb;
	int grp, ret;

	v6fix_extack[0] = '\0';
	grp = genl_ctrl_resolve_grp(g->sk, V6FIX_GENL_NAME, V6FIX_MCGRP_EVENTS_NAME);
	if (grp < 0)
		return -ENOENT;
	/* Directly, for the errno: EPERM without CAP_NET_ADMIN. */
	if (setsockopt(nl_socket_get_fd(g->sk), SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &grp, sizeof(grp)) < 0)
		return -errno;
	nl_socket_set_buffer_size(g->sk, 1 << 20, 0);

	ncb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!ncb)
		return -ENOMEM;
	nl_cb_set(ncb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, no_seq_check, NULL);
	nl_cb_set(ncb, NL_CB_VALID, NL_CB_CUSTOM, on_event, &m);
	for (;;) {
		ret = nl_recvmsgs(g->sk, ncb);
		if (m.ret)
			break;
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events for us. */
			if (lost)
				lost(arg);
			continue;
		}
		if (ret < 0) {
			m.ret = -EIO;
			break;
		}
	}
	nl_cb_put(ncb);
	return m.ret;
}

/* V6FIX_A_SCOPE with @key and, if @set, the settings. */
static int put_scope(struct nl_msg *msg, const struct v6fix_scope_key *key,
		     const struct v6fix_config_set *set)
{
	struct nlattr *nest = nla_nest_start(msg, V6FIX_A_SCOPE);

	if (!nest)
		return -EMSGSIZE;
	switch (key->kind) {
	case V6FIX_SCOPE_CGROUP:
		if (nla_put_u32(msg, V6FIX_SCOPE_A_CGROUP_FD, (uint32_t)key->cgroup_fd) < 0)
			return -EMSGSIZE;
		break;
	case V6FIX_SCOPE_MARK:
		if (nla_put_u32(msg, V6FIX_SCOPE_A_MARK, key->mark) < 0 ||
		    nla_put_u32(msg, V6FIX_SCOPE_A_MARK_MASK, key->mask) < 0)
			return -EMSGSIZE;
		break;
	case V6FIX_SCOPE_ID:
		if (nla_put_u32(msg, V6FIX_SCOPE_A_ID, key->id) < 0)
			return -EMSGSIZE;
		break;
	}
	if (set &&
	    ((set->has_policy_inet6 &&
	      nla_put_u32(msg, V6FIX_SCOPE_A_POLICY_INET6, set->policy_inet6) < 0) ||
	     (set->has_policy_inet &&
	      nla_put_u32(msg, V6FIX_SCOPE_A_POLICY_INET, set->policy_inet) < 0) ||
	     (set->has_bsd_retries &&
	      nla_put_u32(msg, V6FIX_SCOPE_A_BSD_RETRIES, set->bsd_retries) < 0) ||
	     (set->has_errqueue &&
	      nla_put_u32(msg, V6FIX_SCOPE_A_ERRQUEUE, set->errqueue) < 0)))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static int scope_request(struct v6fix_genl *g, uint8_t cmd,
			 const struct v6fix_scope_key *key,
			 const struct v6fix_config_set *set)
{
	struct nl_msg *msg = new_request(g, cmd);
	int ret;

	if (!msg)
		return -ENOMEM;
	if (key) {
		ret = put_scope(msg, key, set);
		if (ret) {
			nlmsg_free(msg);
			return ret;
		}
	}
	return transact(g, msg, NULL, NULL);
}

int v6fix_genl_set_scope(struct v6fix_genl *g, const struct v6fix_scope_key *key,
			 const struct v6fix_config_set *set)
{
	return scope_request(g, V6FIX_CMD_SET_SCOPE, key, set);
}

int v6fix_genl_del_scope(struct v6fix_genl *g, const struct v6fix_scope_key *key)
{
	return scope_request(g, V6FIX_CMD_DEL_SCOPE, key, NULL);
}

int v6fix_genl_flush_scopes(struct v6fix_genl *g)
{
	return scope_request(g, V6FIX_CMD_FLUSH_SCOPES, NULL, NULL);
}

/* One V6FIX_STATS_ENTRY of a scope: family, action, count. */
static int parse_scope_stat(struct nlattr *nest, struct v6fix_scope_stat *e)
{
	struct nlattr *tb[V6FIX_STAT_A_MAX + 1];
	static struct nla_policy pol[V6FIX_STAT_A_MAX + 1] = {
		[V6FIX_STAT_A_FAMILY] = { .type = NLA_U8 },
		[V6FIX_STAT_A_ACTION] = { .type = NLA_U32 },
		[V6FIX_STAT_A_COUNT] = { .type = NLA_U64 },
	};

	if (nla_parse_nested(tb, V6FIX_STAT_A_MAX, nest, pol) < 0 ||
	    !tb[V6FIX_STAT_A_FAMILY] || !tb[V6FIX_STAT_A_ACTION] ||
	    !tb[V6FIX_STAT_A_COUNT])
		return -EBADMSG;
	e->family = nla_get_u8(tb[V6FIX_STAT_A_FAMILY]);
	e->action = nla_get_u32(tb[V6FIX_STAT_A_ACTION]);
	e->count = nla_get_u64(tb[V6FIX_STAT_A_COUNT]);
	return family_ok(e->family) ? 0 : -EBADMSG;
}

int v6fix_genl_parse_scope(struct nlmsghdr *nlh, struct v6fix_scope_info *s)
{
	struct nlattr *tb[V6FIX_A_MAX + 1], *sc[V6FIX_SCOPE_A_MAX + 1], *pos;
	static struct nla_policy pol[V6FIX_A_MAX + 1] = {
		[V6FIX_A_NETNS_INUM] = { .type = NLA_U32 },
		[V6FIX_A_SCOPE] = { .type = NLA_NESTED },
	};
	static struct nla_policy spol[V6FIX_SCOPE_A_MAX + 1] = {
		[V6FIX_SCOPE_A_ID] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_CGROUP_ID] = { .type = NLA_U64 },
		[V6FIX_SCOPE_A_CGROUP_PATH] = { .type = NLA_NUL_STRING },
		[V6FIX_SCOPE_A_MARK] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_MARK_MASK] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_POLICY_INET6] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_POLICY_INET] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_BSD_RETRIES] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_ERRQUEUE] = { .type = NLA_U32 },
		[V6FIX_SCOPE_A_STATS] = { .type = NLA_NESTED },
	};
	int rem, ret;

	memset(s, 0, sizeof(*s));
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN ||
	    genlmsg_parse(nlh, 0, tb, V6FIX_A_MAX, pol) < 0 ||
	    !tb[V6FIX_A_NETNS_INUM] || !tb[V6FIX_A_SCOPE] ||
	    nla_parse_nested(sc, V6FIX_SCOPE_A_MAX, tb[V6FIX_A_SCOPE], spol) < 0 ||
	    !sc[V6FIX_SCOPE_A_ID])
		return -EBADMSG;
	s->netns_inum = nla_get_u32(tb[V6FIX_A_NETNS_INUM]);
	s->id = nla_get_u32(sc[V6FIX_SCOPE_A_ID]);
	if (sc[V6FIX_SCOPE_A_CGROUP_ID] && sc[V6FIX_SCOPE_A_CGROUP_PATH] &&
	    !sc[V6FIX_SCOPE_A_MARK]) {
		s->kind = V6FIX_SCOPE_CGROUP;
		s->cgroup_id = nla_get_u64(sc[V6FIX_SCOPE_A_CGROUP_ID]);
		nla_strlcpy(s->cgroup_path, sc[V6FIX_SCOPE_A_CGROUP_PATH],
			    sizeof(s->cgroup_path));
	} else if (sc[V6FIX_SCOPE_A_MARK] && sc[V6FIX_SCOPE_A_MARK_MASK] &&
		   !sc[V6FIX_SCOPE_A_CGROUP_ID]) {
		s->kind = V6FIX_SCOPE_MARK;
		s->mark = nla_get_u32(sc[V6FIX_SCOPE_A_MARK]);
		s->mask = nla_get_u32(sc[V6FIX_SCOPE_A_MARK_MASK]);
	} else {
		return -EBADMSG;
	}
	if (sc[V6FIX_SCOPE_A_POLICY_INET6]) {
		s->set.has_policy_inet6 = true;
		s->set.policy_inet6 = nla_get_u32(sc[V6FIX_SCOPE_A_POLICY_INET6]);
	}
	if (sc[V6FIX_SCOPE_A_POLICY_INET]) {
		s->set.has_policy_inet = true;
		s->set.policy_inet = nla_get_u32(sc[V6FIX_SCOPE_A_POLICY_INET]);
	}
	if (sc[V6FIX_SCOPE_A_BSD_RETRIES]) {
		s->set.has_bsd_retries = true;
		s->set.bsd_retries = nla_get_u32(sc[V6FIX_SCOPE_A_BSD_RETRIES]);
	}
	if (sc[V6FIX_SCOPE_A_ERRQUEUE]) {
		s->set.has_errqueue = true;
		s->set.errqueue = nla_get_u32(sc[V6FIX_SCOPE_A_ERRQUEUE]);
	}
	if (!sc[V6FIX_SCOPE_A_STATS])
		return 0;
	nla_for_each_nested(pos, sc[V6FIX_SCOPE_A_STATS], rem) {
		if (nla_type(pos) != V6FIX_STATS_ENTRY)
			continue;
		if (s->nstats == V6FIX_SCOPE_STATS_MAX)
			return -EMSGSIZE;
		ret = parse_scope_stat(pos, &s->stats[s->nstats]);
		if (ret)
			return ret;
		s->nstats++;
	}
	return 0;
}

struct scope_walk {
	int (*cb)(const struct v6fix_scope_info *s, void *arg);
	void *arg;
	int stop;		/* the first non-zero return of cb */
	struct v6fix_scope_info info;
};

static int parse_scope_cb(struct nlmsghdr *nlh, void *arg)
{
	struct scope_walk *w = arg;
	int ret;

	if (w->stop)
		return 0;
	ret = v6fix_genl_parse_scope(nlh, &w->info);
	if (ret)
		return ret;
	w->stop = w->cb(&w->info, w->arg);
	return 0;
}

int v6fix_genl_list_scopes(struct v6fix_genl *g,
			   int (*cb)(const struct v6fix_scope_info *s, void *arg),
			   void *arg)
{
	struct nl_msg *msg = new_request(g, V6FIX_CMD_GET_SCOPE);
	struct scope_walk *w;
	int ret;

	if (!msg)
		return -ENOMEM;
	w = calloc(1, sizeof(*w));
	if (!w) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	w->cb = cb;
	w->arg = arg;
	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_DUMP;
	ret = transact(g, msg, parse_scope_cb, w);
	if (!ret)
		ret = w->stop;
	free(w);
	return ret;
}
