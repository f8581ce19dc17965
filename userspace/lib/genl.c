// SPDX-License-Identifier: GPL-2.0
/* The v6fix generic netlink family, from userspace (see genl.h). */
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

/* Send @msg (consumed) and read replies until the ACK or an error. */
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
	     nla_put_u32(msg, V6FIX_A_BSD_RETRIES, set->bsd_retries) < 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	return transact(g, msg, NULL, NULL);
}
