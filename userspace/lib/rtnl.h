/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rtnetlink over libmnl for the objects that need no module (onlink, label,
 * policy explain): a socket that reports the kernel's extack text, builders
 * for the few requests v6fix sends, and parsers for the replies it reads.
 * Builders and parsers are pure functions on a buffer, so the unit tests
 * exercise them without a socket. Parsers skip attributes they do not know,
 * as libmnl's examples do, so a newer kernel does not break them.
 */
#ifndef V6FIX_RTNL_H
#define V6FIX_RTNL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>
#include <libmnl/libmnl.h>

/*
 * The route protocol (rtm_protocol) of every route v6fix adds: 118, 'v'.
 * Unused by linux/rtnetlink.h and by iproute2's rt_protos; `make install`
 * registers the name "v6fix" for it in /etc/iproute2/rt_protos.d/v6fix.conf
 * so that `ip -6 route` shows "proto v6fix".
 */
#define V6FIX_RTPROT 118

struct v6fix_rtnl {
	struct mnl_socket *nl;
	unsigned int portid;
	unsigned int seq;
};

/* Open a NETLINK_ROUTE socket with extended acks. 0 or -errno. */
int v6fix_rtnl_open(struct v6fix_rtnl *r);
void v6fix_rtnl_close(struct v6fix_rtnl *r);

/*
 * Send @nlh (its sequence number is set here) and read the answer: each data
 * message goes to @cb (may be NULL), until NLMSG_DONE or the ACK. Returns 0
 * or -errno; on a kernel error its extack text is in v6fix_extack ("" if
 * none). Requests that change something must carry NLM_F_ACK.
 */
int v6fix_rtnl_talk(struct v6fix_rtnl *r, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);

/* A buffer big enough for any request v6fix builds. */
#define V6FIX_RTNL_REQ_SIZE 512

/* --- routes --------------------------------------------------------------- */
struct v6fix_route {
	uint8_t family;
	uint8_t dst_len;
	uint8_t protocol;
	uint8_t scope;
	uint8_t type;		/* RTN_* */
	uint32_t rtm_flags;	/* RTM_F_CLONED, ... */
	uint32_t table;		/* RTA_TABLE, else rtm_table */
	uint32_t oif;		/* RTA_OIF, 0 if none */
	uint32_t priority;	/* RTA_PRIORITY (the metric) */
	bool has_priority;
	bool has_gateway;	/* RTA_GATEWAY or RTA_VIA */
	bool has_multipath;	/* RTA_MULTIPATH */
	bool has_nhid;		/* RTA_NH_ID: the next hop lives elsewhere */
	struct in6_addr dst;	/* RTA_DST (IPv6 only), zero if none */
};

/*
 * An IPv6 default route without a gateway on one interface: the on-link
 * assumption. Cached clones and routes through nexthop objects are not.
 */
bool v6fix_route_is_onlink_default(const struct v6fix_route *rt);

/*
 * RTM_NEWROUTE / RTM_DELROUTE for the IPv6 route @rt describes: dst/dst_len,
 * table, protocol, type, scope, oif and (if has_priority) the metric. No
 * gateway: v6fix only adds and removes on-link routes. @flags are added to
 * NLM_F_REQUEST.
 */
struct nlmsghdr *v6fix_rtnl_route_msg(void *buf, uint16_t type, uint16_t flags,
				      const struct v6fix_route *rt);

/* Parse an RTM_NEWROUTE. 0, or -EINVAL if malformed (then @rt is unusable). */
int v6fix_rtnl_parse_route(const struct nlmsghdr *nlh, struct v6fix_route *rt);

/* --- address labels (source selection, RFC 6724 section 2.1) ---------------- */
struct v6fix_addrlabel {
	struct in6_addr prefix;
	uint8_t prefixlen;
	uint32_t ifindex;	/* 0: any interface */
	uint32_t label;
};

/* RTM_NEWADDRLABEL / RTM_DELADDRLABEL with IFAL_ADDRESS and IFAL_LABEL. */
struct nlmsghdr *v6fix_rtnl_addrlabel_msg(void *buf, uint16_t type, uint16_t flags,
					  const struct v6fix_addrlabel *al);
int v6fix_rtnl_parse_addrlabel(const struct nlmsghdr *nlh, struct v6fix_addrlabel *al);

/* --- links, addresses, neighbour parameters ------------------------------------ */
struct v6fix_link {
	uint32_t ifindex;
	uint32_t flags;		/* IFF_* */
	uint16_t type;		/* ARPHRD_* */
	char name[IFNAMSIZ];
};
int v6fix_rtnl_parse_link(const struct nlmsghdr *nlh, struct v6fix_link *l);

struct v6fix_addr {
	uint8_t family;
	uint8_t prefixlen;
	uint32_t flags;		/* IFA_F_*, from IFA_FLAGS when present */
	uint32_t ifindex;
	/* IFA_ADDRESS if present, else IFA_LOCAL (as glibc's __check_pf). */
	struct in6_addr addr;	/* IPv4 as ::ffff:a.b.c.d */
};
int v6fix_rtnl_parse_addr(const struct nlmsghdr *nlh, struct v6fix_addr *a);

/* The IPv6 neighbour discovery parameters of one interface (ndisc_cache). */
struct v6fix_nd_parms {
	uint32_t ifindex;	/* 0: the table's defaults */
	uint32_t mcast_probes;	/* net.ipv6.neigh.IF.mcast_solicit */
	uint32_t ucast_probes;	/* ucast_solicit */
	uint32_t app_probes;	/* app_solicit */
	uint64_t retrans_time_ms;
};
/* Parse an RTM_NEWNEIGHTBL; 1 if it held parameters, 0 if not, -EINVAL. */
int v6fix_rtnl_parse_neightbl(const struct nlmsghdr *nlh, struct v6fix_nd_parms *p);

/* A dump request of @type (RTM_GETROUTE, ...) for @family. */
struct nlmsghdr *v6fix_rtnl_dump_msg(void *buf, uint16_t type, uint8_t family);

/* --- whole dumps into arrays (free() the array) ------------------------------- */
int v6fix_rtnl_get_links(struct v6fix_rtnl *r, struct v6fix_link **out, size_t *n);
int v6fix_rtnl_get_routes(struct v6fix_rtnl *r, uint8_t family, struct v6fix_route **out,
			  size_t *n);
int v6fix_rtnl_get_addrlabels(struct v6fix_rtnl *r, struct v6fix_addrlabel **out, size_t *n);
/* Both families when @family is AF_UNSPEC. */
int v6fix_rtnl_get_addrs(struct v6fix_rtnl *r, uint8_t family, struct v6fix_addr **out,
			 size_t *n);
int v6fix_rtnl_get_nd_parms(struct v6fix_rtnl *r, struct v6fix_nd_parms **out, size_t *n);

/* The link with @ifindex in @links, or NULL. */
const struct v6fix_link *v6fix_link_by_index(const struct v6fix_link *links, size_t n,
					     uint32_t ifindex);

/* "kernel", "boot", "static", "ra", "v6fix"... or the number in @buf. */
const char *v6fix_rtprot_name(uint8_t proto, char *buf, size_t size);
/* "main", "local", "default" or the number in @buf. */
const char *v6fix_rttable_name(uint32_t table, char *buf, size_t size);

#endif
