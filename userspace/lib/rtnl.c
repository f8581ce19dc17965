// SPDX-License-Identifier: GPL-2.0
/* rtnetlink helpers over libmnl (see rtnl.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/if_addrlabel.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "extack.h"
#include "rtnl.h"

/* The kernel fills dump messages up to 32 KiB when the reader offers that much. */
#define V6FIX_RTNL_RECV_SIZE 32768

/* --- the socket ------------------------------------------------------------- */
int v6fix_rtnl_open(struct v6fix_rtnl *r)
{
	int one = 1;

	memset(r, 0, sizeof(*r));
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl)
		return -errno;
	if (mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		int err = -errno;

		mnl_socket_close(r->nl);
		r->nl = NULL;
		return err;
	}
	/* Best effort: a kernel without them still answers, only less clearly. */
	mnl_socket_setsockopt(r->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = (unsigned int)time(NULL);
	return 0;
}

void v6fix_rtnl_close(struct v6fix_rtnl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
	r->nl = NULL;
}

struct talk_ctx {
	mnl_cb_t cb;
	void *data;
	int err;
};

static int talk_data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int ret;

	if (!ctx->cb)
		return MNL_CB_OK;
	errno = 0;
	ret = ctx->cb(nlh, ctx->data);
	if (ret == MNL_CB_ERROR && !ctx->err)
		ctx->err = errno ? -errno : -EBADMSG;
	return ret;
}

static int talk_error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	const char *msg;
	int err;

	err = v6fix_nlerr_parse(nlh, nlh->nlmsg_len, &msg);
	if (msg)
		snprintf(v6fix_extack, sizeof(v6fix_extack), "%s", msg);
	if (err == 0)
		return MNL_CB_STOP;	/* the ACK */
	ctx->err = err;
	errno = -err;
	return MNL_CB_ERROR;
}

static int talk_done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk_ctx *ctx = data;
	int err;

	/* A dump that failed half-way ends with its error in NLMSG_DONE. */
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0 && err >= -4095) {
			ctx->err = err;
			errno = -err;
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

int v6fix_rtnl_talk(struct v6fix_rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = talk_error_cb,
		[NLMSG_DONE] = talk_done_cb,
	};
	struct talk_ctx ctx = { .cb = cb, .data = data };
	size_t size = V6FIX_RTNL_RECV_SIZE;
	unsigned int seq;
	ssize_t n;
	char *buf;
	int ret;

	v6fix_extack[0] = '\0';
	nlh->nlmsg_seq = seq = ++r->seq;
	nlh->nlmsg_pid = 0;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = mnl_socket_recvfrom(r->nl, buf, size);
		if (n < 0) {
			ret = -errno;
			break;
		}
		errno = 0;
		ret = mnl_cb_run2(buf, (size_t)n, seq, r->portid, talk_data_cb, &ctx, ctl,
				  NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR) {
			ret = ctx.err ? ctx.err : (errno ? -errno : -EBADMSG);
			break;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			break;
		}
	}
	free(buf);
	return ret;
}

/* --- attribute tables ------------------------------------------------------------ */
struct attr_table {
	const struct nlattr **tb;
	unsigned int max;
};

/* Keep the last attribute of each known type; skip unknown ones. */
static int attr_cb(const struct nlattr *attr, void *data)
{
	struct attr_table *t = data;
	unsigned int type = mnl_attr_get_type(attr);

	if (type <= t->max)
		t->tb[type] = attr;
	return MNL_CB_OK;
}

static int parse_attrs(const struct nlmsghdr *nlh, size_t hdrlen, const struct nlattr **tb,
		       unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (mnl_nlmsg_get_payload_len(nlh) < hdrlen)
		return -EINVAL;
	if (mnl_attr_parse(nlh, (unsigned int)hdrlen, attr_cb, &t) < MNL_CB_STOP)
		return -EINVAL;
	return 0;
}

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb, unsigned int max)
{
	struct attr_table t = { tb, max };

	memset(tb, 0, sizeof(*tb) * (max + 1));
	if (mnl_attr_parse_nested(nest, attr_cb, &t) < MNL_CB_STOP)
		return -EINVAL;
	return 0;
}

/* A u32 attribute, checked for size; -EINVAL when it is malformed. */
static int get_u32(const struct nlattr *a, uint32_t *v)
{
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return -EINVAL;
	*v = mnl_attr_get_u32(a);
	return 0;
}

/* --- routes ------------------------------------------------------------------ */
bool v6fix_route_is_onlink_default(const struct v6fix_route *rt)
{
	return rt->family == AF_INET6 && rt->dst_len == 0 && rt->type == RTN_UNICAST &&
	       !(rt->rtm_flags & RTM_F_CLONED) && !rt->has_gateway && !rt->has_multipath &&
	       !rt->has_nhid && rt->oif != 0;
}

struct nlmsghdr *v6fix_rtnl_route_msg(void *buf, uint16_t type, uint16_t flags,
				      const struct v6fix_route *rt)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = rt->dst_len;
	rtm->rtm_table = rt->table < 256 ? (uint8_t)rt->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = rt->protocol;
	rtm->rtm_scope = rt->scope;
	rtm->rtm_type = rt->type;
	if (rt->dst_len)
		mnl_attr_put(nlh, RTA_DST, sizeof(rt->dst), &rt->dst);
	mnl_attr_put_u32(nlh, RTA_TABLE, rt->table);
	if (rt->oif)
		mnl_attr_put_u32(nlh, RTA_OIF, rt->oif);
	if (rt->has_priority)
		mnl_attr_put_u32(nlh, RTA_PRIORITY, rt->priority);
	return nlh;
}

int v6fix_rtnl_parse_route(const struct nlmsghdr *nlh, struct v6fix_route *rt)
{
	const struct nlattr *tb[RTA_MAX + 1];
	const struct rtmsg *rtm;

	memset(rt, 0, sizeof(*rt));
	if (nlh->nlmsg_type != RTM_NEWROUTE ||
	    parse_attrs(nlh, sizeof(*rtm), tb, RTA_MAX))
		return -EINVAL;
	rtm = mnl_nlmsg_get_payload(nlh);
	rt->family = rtm->rtm_family;
	rt->dst_len = rtm->rtm_dst_len;
	rt->protocol = rtm->rtm_protocol;
	rt->scope = rtm->rtm_scope;
	rt->type = rtm->rtm_type;
	rt->rtm_flags = rtm->rtm_flags;
	rt->table = rtm->rtm_table;
	if (tb[RTA_TABLE] && get_u32(tb[RTA_TABLE], &rt->table))
		return -EINVAL;
	if (tb[RTA_OIF] && get_u32(tb[RTA_OIF], &rt->oif))
		return -EINVAL;
	if (tb[RTA_PRIORITY]) {
		if (get_u32(tb[RTA_PRIORITY], &rt->priority))
			return -EINVAL;
		rt->has_priority = true;
	}
	if (tb[RTA_DST] && rt->family == AF_INET6) {
		if (mnl_attr_get_payload_len(tb[RTA_DST]) != sizeof(rt->dst))
			return -EINVAL;
		memcpy(&rt->dst, mnl_attr_get_payload(tb[RTA_DST]), sizeof(rt->dst));
	}
	rt->has_gateway = tb[RTA_GATEWAY] || tb[RTA_VIA];
	rt->has_multipath = tb[RTA_MULTIPATH] != NULL;
	rt->has_nhid = tb[RTA_NH_ID] != NULL;
	return 0;
}

/* --- address labels ---------------------------------------------------------------- */
struct nlmsghdr *v6fix_rtnl_addrlabel_msg(void *buf, uint16_t type, uint16_t flags,
					  const struct v6fix_addrlabel *al)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrlblmsg *ifal;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifal = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifal));
	ifal->ifal_family = AF_INET6;
	ifal->ifal_prefixlen = al->prefixlen;
	ifal->ifal_index = al->ifindex;
	mnl_attr_put(nlh, IFAL_ADDRESS, sizeof(al->prefix), &al->prefix);
	mnl_attr_put_u32(nlh, IFAL_LABEL, al->label);
	return nlh;
}

int v6fix_rtnl_parse_addrlabel(const struct nlmsghdr *nlh, struct v6fix_addrlabel *al)
{
	const struct nlattr *tb[IFAL_MAX + 1];
	const struct ifaddrlblmsg *ifal;

	memset(al, 0, sizeof(*al));
	if (nlh->nlmsg_type != RTM_NEWADDRLABEL ||
	    parse_attrs(nlh, sizeof(*ifal), tb, IFAL_MAX))
		return -EINVAL;
	ifal = mnl_nlmsg_get_payload(nlh);
	if (ifal->ifal_family != AF_INET6 || ifal->ifal_prefixlen > 128 ||
	    !tb[IFAL_ADDRESS] || !tb[IFAL_LABEL] ||
	    mnl_attr_get_payload_len(tb[IFAL_ADDRESS]) != sizeof(al->prefix) ||
	    get_u32(tb[IFAL_LABEL], &al->label))
		return -EINVAL;
	memcpy(&al->prefix, mnl_attr_get_payload(tb[IFAL_ADDRESS]), sizeof(al->prefix));
	al->prefixlen = ifal->ifal_prefixlen;
	al->ifindex = ifal->ifal_index;
	return 0;
}

/* --- links, addresses, neighbour tables --------------------------------------------- */
int v6fix_rtnl_parse_link(const struct nlmsghdr *nlh, struct v6fix_link *l)
{
	const struct nlattr *tb[IFLA_MAX + 1];
	const struct ifinfomsg *ifi;

	memset(l, 0, sizeof(*l));
	if (nlh->nlmsg_type != RTM_NEWLINK || parse_attrs(nlh, sizeof(*ifi), tb, IFLA_MAX))
		return -EINVAL;
	ifi = mnl_nlmsg_get_payload(nlh);
	l->ifindex = (uint32_t)ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	l->type = ifi->ifi_type;
	if (!tb[IFLA_IFNAME] || mnl_attr_validate(tb[IFLA_IFNAME], MNL_TYPE_NUL_STRING) < 0)
		return -EINVAL;
	snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(tb[IFLA_IFNAME]));
	return 0;
}

static int copy_addr(const struct nlattr *a, uint8_t family, struct in6_addr *out)
{
	size_t len = mnl_attr_get_payload_len(a);

	memset(out, 0, sizeof(*out));
	if (family == AF_INET6 && len == 16) {
		memcpy(out, mnl_attr_get_payload(a), 16);
		return 0;
	}
	if (family == AF_INET && len == 4) {
		out->s6_addr[10] = out->s6_addr[11] = 0xff;
		memcpy(&out->s6_addr[12], mnl_attr_get_payload(a), 4);
		return 0;
	}
	return -EINVAL;
}

int v6fix_rtnl_parse_addr(const struct nlmsghdr *nlh, struct v6fix_addr *a)
{
	const struct nlattr *tb[IFA_MAX + 1];
	const struct ifaddrmsg *ifa;
	const struct nlattr *which;

	memset(a, 0, sizeof(*a));
	if (nlh->nlmsg_type != RTM_NEWADDR || parse_attrs(nlh, sizeof(*ifa), tb, IFA_MAX))
		return -EINVAL;
	ifa = mnl_nlmsg_get_payload(nlh);
	a->family = ifa->ifa_family;
	a->prefixlen = ifa->ifa_prefixlen;
	a->flags = ifa->ifa_flags;
	a->ifindex = ifa->ifa_index;
	if (tb[IFA_FLAGS] && get_u32(tb[IFA_FLAGS], &a->flags))
		return -EINVAL;
	which = tb[IFA_ADDRESS] ? tb[IFA_ADDRESS] : tb[IFA_LOCAL];
	if (!which)
		return -EINVAL;
	return copy_addr(which, a->family, &a->addr);
}

int v6fix_rtnl_parse_neightbl(const struct nlmsghdr *nlh, struct v6fix_nd_parms *p)
{
	const struct nlattr *tb[NDTA_MAX + 1], *ptb[NDTPA_MAX + 1];
	const struct ndtmsg *ndtm;

	memset(p, 0, sizeof(*p));
	if (nlh->nlmsg_type != RTM_NEWNEIGHTBL || parse_attrs(nlh, sizeof(*ndtm), tb, NDTA_MAX))
		return -EINVAL;
	ndtm = mnl_nlmsg_get_payload(nlh);
	if (ndtm->ndtm_family != AF_INET6 || !tb[NDTA_PARMS])
		return 0;
	if (parse_nested(tb[NDTA_PARMS], ptb, NDTPA_MAX))
		return -EINVAL;
	if ((ptb[NDTPA_IFINDEX] && get_u32(ptb[NDTPA_IFINDEX], &p->ifindex)) ||
	    (ptb[NDTPA_MCAST_PROBES] && get_u32(ptb[NDTPA_MCAST_PROBES], &p->mcast_probes)) ||
	    (ptb[NDTPA_UCAST_PROBES] && get_u32(ptb[NDTPA_UCAST_PROBES], &p->ucast_probes)) ||
	    (ptb[NDTPA_APP_PROBES] && get_u32(ptb[NDTPA_APP_PROBES], &p->app_probes)))
		return -EINVAL;
	if (ptb[NDTPA_RETRANS_TIME]) {
		if (mnl_attr_validate(ptb[NDTPA_RETRANS_TIME], MNL_TYPE_U64) < 0)
			return -EINVAL;
		p->retrans_time_ms = mnl_attr_get_u64(ptb[NDTPA_RETRANS_TIME]);
	}
	return 1;
}

struct nlmsghdr *v6fix_rtnl_dump_msg(void *buf, uint16_t type, uint8_t family)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	size_t hdrlen;
	uint8_t *hdr;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	/* The family is the first byte of each of these headers. */
	switch (type) {
	case RTM_GETLINK: hdrlen = sizeof(struct ifinfomsg); break;
	case RTM_GETADDR: hdrlen = sizeof(struct ifaddrmsg); break;
	case RTM_GETROUTE: hdrlen = sizeof(struct rtmsg); break;
	case RTM_GETADDRLABEL: hdrlen = sizeof(struct ifaddrlblmsg); break;
	case RTM_GETNEIGHTBL: hdrlen = sizeof(struct ndtmsg); break;
	default: hdrlen = sizeof(struct rtgenmsg); break;
	}
	hdr = mnl_nlmsg_put_extra_header(nlh, hdrlen);
	hdr[0] = family;
	return nlh;
}

/* --- whole dumps -------------------------------------------------------------------- */
struct collect {
	void *items;
	size_t n, cap, size;
	int (*parse)(const struct nlmsghdr *nlh, void *item);
};

static int collect_cb(const struct nlmsghdr *nlh, void *data)
{
	struct collect *c = data;
	union {	/* aligned for whichever of them this dump holds */
		struct v6fix_route route;
		struct v6fix_link link;
		struct v6fix_addr addr;
		struct v6fix_addrlabel addrlabel;
		struct v6fix_nd_parms nd;
	} item;
	int ret;

	if (c->size > sizeof(item)) {
		errno = EINVAL;
		return MNL_CB_ERROR;
	}
	ret = c->parse(nlh, &item);
	if (ret < 0) {
		errno = -ret;
		return MNL_CB_ERROR;
	}
	if (ret == 0)
		return MNL_CB_OK;	/* nothing to keep */
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		void *p = realloc(c->items, cap * c->size);

		if (!p) {
			errno = ENOMEM;
			return MNL_CB_ERROR;
		}
		c->items = p;
		c->cap = cap;
	}
	memcpy((char *)c->items + c->n * c->size, &item, c->size);
	c->n++;
	return MNL_CB_OK;
}

/* The parsers return 0 when they keep an item; collect wants 1 for "keep". */
static int keep_link(const struct nlmsghdr *nlh, void *it)
{
	int r = v6fix_rtnl_parse_link(nlh, it);
	return r < 0 ? r : 1;
}

static int keep_route(const struct nlmsghdr *nlh, void *it)
{
	int r = v6fix_rtnl_parse_route(nlh, it);
	return r < 0 ? r : 1;
}

static int keep_addrlabel(const struct nlmsghdr *nlh, void *it)
{
	int r = v6fix_rtnl_parse_addrlabel(nlh, it);
	return r < 0 ? r : 1;
}

static int keep_addr(const struct nlmsghdr *nlh, void *it)
{
	int r = v6fix_rtnl_parse_addr(nlh, it);
	return r < 0 ? r : 1;
}

static int keep_nd(const struct nlmsghdr *nlh, void *it)
{
	return v6fix_rtnl_parse_neightbl(nlh, it);
}

static int dump(struct v6fix_rtnl *r, uint16_t type, uint8_t family, size_t size,
		int (*parse)(const struct nlmsghdr *, void *), void **out, size_t *n)
{
	char buf[V6FIX_RTNL_REQ_SIZE];
	struct collect c = { .size = size, .parse = parse };
	int err;

	err = v6fix_rtnl_talk(r, v6fix_rtnl_dump_msg(buf, type, family), collect_cb, &c);
	if (err) {
		free(c.items);
		*out = NULL;
		*n = 0;
		return err;
	}
	*out = c.items;
	*n = c.n;
	return 0;
}

int v6fix_rtnl_get_links(struct v6fix_rtnl *r, struct v6fix_link **out, size_t *n)
{
	return dump(r, RTM_GETLINK, AF_UNSPEC, sizeof(**out), keep_link, (void **)out, n);
}

int v6fix_rtnl_get_routes(struct v6fix_rtnl *r, uint8_t family, struct v6fix_route **out,
			  size_t *n)
{
	return dump(r, RTM_GETROUTE, family, sizeof(**out), keep_route, (void **)out, n);
}

int v6fix_rtnl_get_addrlabels(struct v6fix_rtnl *r, struct v6fix_addrlabel **out, size_t *n)
{
	return dump(r, RTM_GETADDRLABEL, AF_INET6, sizeof(**out), keep_addrlabel,
		    (void **)out, n);
}

int v6fix_rtnl_get_addrs(struct v6fix_rtnl *r, uint8_t family, struct v6fix_addr **out,
			 size_t *n)
{
	return dump(r, RTM_GETADDR, family, sizeof(**out), keep_addr, (void **)out, n);
}

int v6fix_rtnl_get_nd_parms(struct v6fix_rtnl *r, struct v6fix_nd_parms **out, size_t *n)
{
	return dump(r, RTM_GETNEIGHTBL, AF_INET6, sizeof(**out), keep_nd, (void **)out, n);
}

const struct v6fix_link *v6fix_link_by_index(const struct v6fix_link *links, size_t n,
					     uint32_t ifindex)
{
	for (size_t i = 0; i < n; i++)
		if (links[i].ifindex == ifindex)
			return &links[i];
	return NULL;
}

const char *v6fix_rtprot_name(uint8_t proto, char *buf, size_t size)
{
	static const char *const names[] = {
		[RTPROT_UNSPEC] = "unspec", [RTPROT_REDIRECT] = "redirect",
		[RTPROT_KERNEL] = "kernel", [RTPROT_BOOT] = "boot",
		[RTPROT_STATIC] = "static", [RTPROT_GATED] = "gated",
		[RTPROT_RA] = "ra", [RTPROT_MRT] = "mrt", [RTPROT_ZEBRA] = "zebra",
		[RTPROT_BIRD] = "bird", [RTPROT_DNROUTED] = "dnrouted",
		[RTPROT_XORP] = "xorp", [RTPROT_NTK] = "ntk", [RTPROT_DHCP] = "dhcp",
		[RTPROT_MROUTED] = "mrouted", [RTPROT_KEEPALIVED] = "keepalived",
		[RTPROT_BABEL] = "babel", [RTPROT_OPENR] = "openr",
		[V6FIX_RTPROT] = "v6fix", [RTPROT_BGP] = "bgp", [RTPROT_ISIS] = "isis",
		[RTPROT_OSPF] = "ospf", [RTPROT_RIP] = "rip", [RTPROT_EIGRP] = "eigrp",
	};

	if (proto < sizeof(names) / sizeof(names[0]) && names[proto])
		return names[proto];
	snprintf(buf, size, "%u", proto);
	return buf;
}

const char *v6fix_rttable_name(uint32_t table, char *buf, size_t size)
{
	switch (table) {
	case RT_TABLE_MAIN: return "main";
	case RT_TABLE_LOCAL: return "local";
	case RT_TABLE_DEFAULT: return "default";
	}
	snprintf(buf, size, "%u", table);
	return buf;
}
