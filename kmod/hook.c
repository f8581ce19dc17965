// SPDX-License-Identifier: GPL-2.0
/*
 * The netfilter hooks: every ICMP and ICMPv6 error that is delivered
 * locally passes NF_INET_LOCAL_IN before icmp_rcv()/icmpv6_rcv() hand it to
 * tcp_v4_err()/tcp_v6_err(). Errors the host sends itself (a reject rule in
 * its own output chain, the neighbour code's address-unreachable) are looped
 * back and take the same way. Here a soft error is parsed, its connection is
 * looked up exactly as the TCP error handler would, checked (SYN-SENT, quoted
 * sequence number == ISN) and decided on by the namespace's policy; anything
 * else continues unchanged.
 *
 * The hooks run in softirq context inside rcu_read_lock(), like the error
 * handlers they precede; every read of the packet goes through
 * skb_header_pointer() with an explicit length.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <net/inet6_hashtables.h>
#include <net/inet_hashtables.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/tcp.h>

#include "v6fix.h"


/* What an ICMP error must quote of the TCP header, and all we read of it. */
struct v6fix_tcp8 {
	__be16 source;
	__be16 dest;
	__be32 seq;
};

/*
 * The checks tcp_v4_err()/tcp_v6_err() make before they act, and ours: a
 * full socket in SYN-SENT whose ISN is the quoted sequence number (RFC 5927:
 * a router quotes the SYN, whose sequence number is the ISN; the stack
 * accepts anything from snd_una to snd_nxt). Then the policy decides.
 * Called with the reference the lookup took, which is dropped here; returns
 * the verdict and sets ev->action.
 */
static unsigned int v6fix_decide(struct net *net, struct sock *sk,
				 struct v6fix_event *ev, u8 hops)
{
	unsigned int verdict = NF_ACCEPT;
	struct v6fix_net *vn = v6fix_pernet(net);
	u8 min_hops;

	if (!sk) {
		ev->action = V6FIX_ACTION_IGNORED_NO_SOCKET;
		return NF_ACCEPT;
	}
	if (!sk_fullsock(sk)) {
		/* TIME-WAIT or a request socket: not an attempt of ours. */
		ev->action = V6FIX_ACTION_IGNORED_NOT_SYN_SENT;
		sock_gen_put(sk);
		return NF_ACCEPT;
	}

	bh_lock_sock(sk);
	if (sk->sk_state != TCP_SYN_SENT) {
		ev->action = V6FIX_ACTION_IGNORED_NOT_SYN_SENT;
		goto out;
	}
	/* IP_MINTTL / IPV6_MINHOPCOUNT, as the error handlers apply them. */
	if (ev->family == V6FIX_INET6)
		min_hops = READ_ONCE(inet6_sk(sk)->min_hopcount);
	else
		min_hops = READ_ONCE(inet_sk(sk)->min_ttl);
	if (ev->seq != tcp_sk(sk)->snd_una || hops < min_hops) {
		ev->action = V6FIX_ACTION_IGNORED_SPOOFED;
		/*
		 * The stack's own check accepts snd_nxt (ISN + 1) as well, and
		 * would abort: unless the stock kernel is to decide, it does
		 * not get to see an error that failed ours.
		 */
		if (ev->policy != V6FIX_POLICY_PASS)
			verdict = NF_DROP;
		goto out;
	}

	ev->syn_retrans = inet_csk(sk)->icsk_retransmits;
	ev->has_retrans = true;
	ev->action = v6fix_policy_decide(ev->policy,
					 READ_ONCE(vn->bsd_retries),
					 ev->syn_retrans, sock_owned_by_user(sk));
	switch (ev->action) {
	case V6FIX_ACTION_ABORTED:
		v6fix_abort(sk, ev->err);
		verdict = NF_DROP;
		break;
	case V6FIX_ACTION_SUPPRESSED:
		/*
		 * Consumed: the stack would abort. Remembered: when the SYN
		 * retries run out, tcp_write_err() reports sk_err_soft
		 * instead of ETIMEDOUT.
		 */
		WRITE_ONCE(sk->sk_err_soft, ev->err);
		verdict = NF_DROP;
		break;
	case V6FIX_ACTION_DEFERRED_ABORT:
		/*
		 * The lock owner (connect() itself, for a locally generated
		 * error) would only store the error, and the attempt would
		 * wait for the next retransmission. Store it as the stack
		 * does, and abort as soon as the owner lets go. The deferred
		 * work decides and counts; this error is not counted here.
		 */
		WRITE_ONCE(sk->sk_err_soft, ev->err);
		if (v6fix_defer_abort(sk, ev)) {
			verdict = NF_DROP;
			break;
		}
		/* Nothing queued: the stock kernel decides. */
		ev->action = V6FIX_ACTION_PASSED;
		break;
	default:
		break;
	}
out:
	bh_unlock_sock(sk);
	sock_put(sk);
	return verdict;
}

/* Count and report the decision, unless the deferred work will. */
static unsigned int v6fix_done(struct net *net, struct v6fix_event *ev,
			       unsigned int verdict)
{
	if (ev->action != V6FIX_ACTION_DEFERRED_ABORT)
		v6fix_record(net, ev, GFP_ATOMIC);
	return verdict;
}

/*
 * A soft error whose quote v6fix cannot check. The stock error handlers do
 * not check everything v6fix does (the quoted IPv4 header's version and
 * fragment offset; an ICMPv6 error in fragments is reassembled after this
 * hook): unless the stock kernel is to decide, they do not see it either.
 */
static unsigned int v6fix_malformed(struct net *net, struct v6fix_event *ev)
{
	ev->action = V6FIX_ACTION_IGNORED_MALFORMED;
	return v6fix_done(net, ev,
			  ev->policy == V6FIX_POLICY_PASS ? NF_ACCEPT : NF_DROP);
}

static unsigned int v6fix_hook6(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct net *net = state->net;
	struct v6fix_event ev = { .family = V6FIX_INET6 };
	struct ipv6hdr _qh;
	const struct ipv6hdr *qh;
	struct v6fix_tcp8 _th;
	const struct v6fix_tcp8 *th;
	struct icmp6hdr _ih;
	const struct icmp6hdr *ih;
	int off, qoff;
	__be16 frag_off = 0;
	u8 nexthdr;
	struct sock *sk;

	/* The fast path: everything that is not ICMPv6 leaves here. */
	nexthdr = ip6h->nexthdr;
	off = skb_network_offset(skb) + sizeof(*ip6h);
	if (nexthdr != IPPROTO_ICMPV6) {
		if (!ipv6_ext_hdr(nexthdr))
			return NF_ACCEPT;
		off = ipv6_skip_exthdr(skb, off, &nexthdr, &frag_off);
		/*
		 * A fragment is reassembled after this hook (unless conntrack
		 * did it before): the whole error is not here to check. A
		 * later fragment does not say what it carries; the first one
		 * of a soft error is malformed below.
		 */
		if (off < 0 || nexthdr != IPPROTO_ICMPV6 ||
		    (frag_off & htons(IP6_OFFSET)))
			return NF_ACCEPT;
	}

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih)
		return NF_ACCEPT;
	ev.slot = v6fix_soft_slot(V6FIX_INET6, ih->icmp6_type, ih->icmp6_code,
				  &ev.err);
	if (ev.slot < 0)
		return NF_ACCEPT;	/* informational, or a hard error */

	ev.tstamp_ns = ktime_get_ns();
	ev.type = ih->icmp6_type;
	ev.code = ih->icmp6_code;
	ev.icmp_src.ip6 = ip6h->saddr;
	ev.policy = READ_ONCE(v6fix_pernet(net)->policy[V6FIX_INET6]);
	/* RFC 4443 2.4 (c): an error fits the minimum MTU, unfragmented. */
	if (frag_off & htons(IP6_MF))
		return v6fix_malformed(net, &ev);

	/* The quoted packet: our SYN, as the router saw it. */
	qoff = off + sizeof(_ih);
	qh = skb_header_pointer(skb, qoff, sizeof(_qh), &_qh);
	if (!qh)
		return v6fix_malformed(net, &ev);
	nexthdr = qh->nexthdr;
	qoff = ipv6_skip_exthdr(skb, qoff + sizeof(*qh), &nexthdr, &frag_off);
	if (qoff < 0)
		return v6fix_malformed(net, &ev);
	/*
	 * UDP and others are not ours; nor is a quoted non-first fragment:
	 * ipv6_skip_exthdr() stops at it with nexthdr NEXTHDR_FRAGMENT.
	 */
	if (nexthdr != IPPROTO_TCP)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, qoff, sizeof(_th), &_th);
	if (!th)
		return v6fix_malformed(net, &ev);
	/* icmpv6_rcv() would drop a corrupted error before TCP saw it. */
	if (nf_checksum(skb, state->hook, off, IPPROTO_ICMPV6, NFPROTO_IPV6))
		return v6fix_malformed(net, &ev);

	ev.saddr.ip6 = qh->saddr;
	ev.daddr.ip6 = qh->daddr;
	ev.sport = th->source;
	ev.dport = th->dest;
	ev.seq = ntohl(th->seq);
	ev.has_conn = true;

	/* As tcp_v6_err(): the quote's destination is the remote end. */
	sk = __inet6_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
					&ev.daddr.ip6, ev.dport,
					&ev.saddr.ip6, ntohs(ev.sport),
					skb->dev->ifindex, inet6_sdif(skb));
	return v6fix_done(net, &ev, v6fix_decide(net, sk, &ev, ip6h->hop_limit));
}

static unsigned int v6fix_hook4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = state->net;
	struct v6fix_event ev = { .family = V6FIX_INET };
	struct iphdr _qh;
	const struct iphdr *qh;
	struct v6fix_tcp8 _th;
	const struct v6fix_tcp8 *th;
	struct icmphdr _ih;
	const struct icmphdr *ih;
	unsigned int off, qoff;
	struct sock *sk;

	/* The fast path. IPv4 is reassembled before LOCAL_IN. */
	if (iph->protocol != IPPROTO_ICMP)
		return NF_ACCEPT;

	off = skb_network_offset(skb) + ip_hdrlen(skb);
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih)
		return NF_ACCEPT;
	ev.slot = v6fix_soft_slot(V6FIX_INET, ih->type, ih->code, &ev.err);
	if (ev.slot < 0)
		return NF_ACCEPT;

	ev.tstamp_ns = ktime_get_ns();
	ev.type = ih->type;
	ev.code = ih->code;
	ev.icmp_src.ip = iph->saddr;
	ev.policy = READ_ONCE(v6fix_pernet(net)->policy[V6FIX_INET]);

	qoff = off + sizeof(_ih);
	qh = skb_header_pointer(skb, qoff, sizeof(_qh), &_qh);
	if (!qh)
		return v6fix_malformed(net, &ev);
	if (qh->protocol != IPPROTO_TCP)
		return NF_ACCEPT;
	/* tcp_v4_err() checks none of these but the IHL. */
	if (qh->version != 4 || qh->ihl < 5 || (qh->frag_off & htons(IP_OFFSET)))
		return v6fix_malformed(net, &ev);
	qoff += qh->ihl * 4;
	th = skb_header_pointer(skb, qoff, sizeof(_th), &_th);
	if (!th)
		return v6fix_malformed(net, &ev);
	if (nf_checksum(skb, state->hook, off, IPPROTO_ICMP, NFPROTO_IPV4))
		return v6fix_malformed(net, &ev);

	ev.saddr.ip = qh->saddr;
	ev.daddr.ip = qh->daddr;
	ev.sport = th->source;
	ev.dport = th->dest;
	ev.seq = ntohl(th->seq);
	ev.has_conn = true;

	/* As tcp_v4_err(), which passes no sdif. */
	sk = __inet_lookup_established(net, net->ipv4.tcp_death_row.hashinfo,
				       ev.daddr.ip, ev.dport,
				       ev.saddr.ip, ntohs(ev.sport),
				       inet_iif(skb), 0);
	/* tcp_v4_err() applies IP_MINTTL to the quoted header's TTL. */
	return v6fix_done(net, &ev, v6fix_decide(net, sk, &ev, qh->ttl));
}

/*
 * After the filter tables (an error they drop must not act), NAT (the
 * quote's addresses restored) and the security modules; before conntrack's
 * confirm.
 */
static const struct nf_hook_ops v6fix_nf_ops[] = {
	{
		.hook = v6fix_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_SELINUX_LAST + 1,
	},
	{
		.hook = v6fix_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_SELINUX_LAST + 1,
	},
};

static int __net_init v6fix_hooks_net_init(struct net *net)
{
	return nf_register_net_hooks(net, v6fix_nf_ops, ARRAY_SIZE(v6fix_nf_ops));
}

/*
 * Teardown, for a dying namespace and at module unload. After
 * nf_unregister_net_hooks() returns, no hook runs in @net any more (it
 * waits for an RCU grace period), so nothing new is deferred there. Work
 * already queued holds a reference on its socket (which keeps a user
 * socket's namespace alive) and uses the namespace's v6fix_net, which the
 * pernet core frees only after every exit method has run: flushing in
 * exit_batch, after all exits of this ops, is enough.
 */
static void __net_exit v6fix_hooks_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, v6fix_nf_ops, ARRAY_SIZE(v6fix_nf_ops));
}

static void __net_exit v6fix_hooks_net_exit_batch(struct list_head *net_exit_list)
{
	v6fix_defer_flush();
}

/*
 * Registered after the per-namespace state (netns.c) and the genetlink
 * family, unregistered before them: a hook never sees a namespace without
 * its v6fix_net, nor sends an event through an unregistered family.
 */
static struct pernet_operations v6fix_hooks_net_ops = {
	.init = v6fix_hooks_net_init,
	.exit = v6fix_hooks_net_exit,
	.exit_batch = v6fix_hooks_net_exit_batch,
};

int v6fix_hooks_init(void)
{
	return register_pernet_subsys(&v6fix_hooks_net_ops);
}

void v6fix_hooks_uninit(void)
{
	unregister_pernet_subsys(&v6fix_hooks_net_ops);
}
