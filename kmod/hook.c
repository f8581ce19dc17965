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
 * handlers they precede. The outer IP/IPv6 header is read in place with
 * ip_hdr()/ipv6_hdr(): at LOCAL_IN it is in the linear area, pulled by
 * ip_rcv_core() (the whole IHL) and ip6_rcv_core() (the fixed header).
 * Everything past it (extension headers, the ICMP header, the quote) is
 * read with skb_header_pointer() and an explicit length.
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

#include "compat.h"
#include "abort.h"
#include "events.h"
#include "hook.h"
#include "netns.h"
#include "policy.h"
#include "scope.h"

static unsigned int v6fix_hook6(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);
static unsigned int v6fix_hook4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state);

/* What an ICMP error must quote of the TCP header, and all we read of it. */
struct v6fix_tcp8 {
	__be16 source;
	__be16 dest;
	__be32 seq;
};

/*
 * Continue the packet's way as if this hook had said NF_ACCEPT: the hooks
 * after this one at LOCAL_IN (conntrack's confirm, filter chains of a later
 * priority), then the okfn, ip_local_deliver_finish() or ip6_input_finish(),
 * which hands the error to icmp_rcv()/icmpv6_rcv(): the ICMP counters, the
 * raw sockets' copies and the TCP error handler. nf_reinject() resumes a
 * queued packet the same way. Runs inside nf_hook()'s RCU read section.
 */
static void v6fix_continue(struct sk_buff *skb, const struct nf_hook_state *state)
{
	struct nf_hook_state st = *state;
	const struct nf_hook_entries *e;
	unsigned int i;

	if (state->pf == NFPROTO_IPV6)
		e = rcu_dereference(state->net->nf.hooks_ipv6[NF_INET_LOCAL_IN]);
	else
		e = rcu_dereference(state->net->nf.hooks_ipv4[NF_INET_LOCAL_IN]);
	/* Our own entry; past the end (being unregistered), none is left. */
	for (i = 0; e && i < e->num_hook_entries; i++)
		if (e->hooks[i].hook == v6fix_hook6 || e->hooks[i].hook == v6fix_hook4)
			break;
	if (!e || nf_hook_slow(skb, &st, e, i + 1) == 1)
		state->okfn(state->net, state->sk, skb);
}

/*
 * The end of release_sock() (the backlog, the protocol's release_cb, then
 * ownership given back and waiters woken) for an owner in softirq context:
 * without release_sock()'s cond_resched() and lockdep annotations, which
 * are for process context. The backlog is what other CPUs queued while we
 * owned the socket: TCP runs it here exactly as it runs unowned sockets'
 * packets in softirq. Called and returns with bh_lock_sock() held.
 */
static void v6fix_release_owned(struct sock *sk)
{
	struct sk_buff *skb, *next;

	while ((skb = sk->sk_backlog.head)) {
		sk->sk_backlog.head = NULL;
		sk->sk_backlog.tail = NULL;
		bh_unlock_sock(sk);
		do {
			next = skb->next;
			skb_mark_not_on_list(skb);
			sk->sk_backlog_rcv(sk, skb);
			skb = next;
		} while (skb);
		bh_lock_sock(sk);
	}
	sk->sk_backlog.len = 0;
	if (sk->sk_prot->release_cb)
		sk->sk_prot->release_cb(sk);
	sk->sk_lock.owned = 0;
	/* As release_sock(): waiters queue under the spinlock we hold. */
	if (waitqueue_active(&sk->sk_lock.wq))
		wake_up(&sk->sk_lock.wq);
}

/*
 * Hand a soft error v6fix decided on to the stock kernel, at once, and see
 * what it made of it. Every decision goes this way, so that v6fix never acts
 * on an error the stock kernel discards before TCP sees it: icmp_rcv() drops
 * an ICMP error addressed to a broadcast or multicast address (RTCF_BROADCAST,
 * RTCF_MULTICAST) and, as icmpv6_rcv() does, one an IPsec policy refuses
 * (xfrm*_policy_check(), with its XFRM_STATE_ICMP exception); icmp_unreach(),
 * icmpv6_notify() and the error handlers check more. Instead of copying
 * those checks, v6fix looks at the outcome: TCP's handler saw the error if it
 * aborted the attempt (the socket is no longer in SYN-SENT) or if it took
 * its owned branch, which counts TcpExtLockDroppedIcmps (tcp_v4_err(),
 * tcp_v6_err(): first thing under the socket spinlock, 6.1 and 6.12 alike).
 * An error TCP did not see is counted as passed, and nothing follows from it.
 *
 * The abort (hard; bsd and retries past their threshold) is the stock
 * handler's when nobody owns the socket, write-queue purge included. When
 * a system call owns it, the handler only stores the error, and the abort
 * is deferred to when the owner lets go (abort.c).
 *
 * Not aborting (rfc1122, bsd and retries below their threshold) the stock
 * kernel does everything it does for the error but the abort: the ICMP
 * counters, the raw sockets' copies, the error queue (ip_icmp_error()/
 * ipv6_icmp_error()), the soft error TCP reports at the timeout. The stock
 * handler aborts SYN-SENT unless the socket is owned by a user; so, unless a
 * system call owns it already, we own it while the error passes:
 * sk_lock.owned set under the socket's spinlock, as lock_sock() sets it,
 * which makes tcp_v4_err()/tcp_v6_err() take their owned branch and only
 * store sk_err_soft. While we own it, whatever else comes for the socket
 * waits as it waits for any owner (packets in the backlog, timers in
 * tsq_flags, lock_sock() callers on sk_lock.wq), and v6fix_release_owned()
 * gives it back at once. The owned branch counts the error as
 * TcpExtLockDroppedIcmps: for an owner that was only us, stock would not, so
 * that count is taken back.
 *
 * errqueue recverr, IPv4, a socket without IP_RECVERR: tcp_v4_err() queues
 * with ip_icmp_error() unconditionally; sock_queue_err_skb() refuses
 * (no queueing, no wakeup) while sk_rcvbuf is 0, so that is what it reads
 * meanwhile. Only lock_sock() holders write sk_rcvbuf, and cmpxchg() keeps
 * the value of one that wrote meanwhile (a socket a system call owns).
 *
 * Then, for rfc1122, as upstream's "tcp: no longer abort SYN_SENT when
 * receiving some ICMP" (0a8de364ff7a, v6.8 merge window, reverted) did for
 * non-fatal errors: a socket with IP_RECVERR/IPV6_RECVERR that no system call owns
 * gets the error as sk_err, with a wakeup, instead of as sk_err_soft (so
 * its timeout reports ETIMEDOUT); every other one keeps the sk_err_soft
 * the stock handler stored (bsd's memory of an earlier error, as FreeBSD's
 * t_softerror).
 *
 * Called with bh_lock_sock() held and the lookup's reference, in the hook's
 * softirq context; drops both and sets ev->action to what happened. The
 * packet is consumed: NF_STOLEN.
 */
static unsigned int v6fix_deliver(struct sock *sk, struct sk_buff *skb,
				  const struct nf_hook_state *state,
				  struct v6fix_event *ev, enum v6fix_errqueue errqueue)
{
	struct net *net = state->net;
	bool suppress = ev->action == V6FIX_ACTION_SUPPRESSED;
	bool ours = suppress && !sock_owned_by_user(sk);
	bool v6 = ev->family == V6FIX_INET6;
	bool hide = suppress && !v6 && errqueue == V6FIX_ERRQUEUE_RECVERR &&
		    !v6fix_sk_recverr(sk);
	unsigned long dropped;
	int rcvbuf = 0, soft = READ_ONCE(sk->sk_err_soft);

	if (ours)
		sk->sk_lock.owned = 1;
	if (hide)
		rcvbuf = xchg(&sk->sk_rcvbuf, 0);
	bh_unlock_sock(sk);

	/* BHs are off: nothing else runs on this CPU in between. */
	dropped = this_cpu_read(net->mib.net_statistics->mibs[LINUX_MIB_LOCKDROPPEDICMPS]);
	v6fix_continue(skb, state);
	dropped = this_cpu_read(net->mib.net_statistics->mibs[LINUX_MIB_LOCKDROPPEDICMPS]) -
		  dropped;

	bh_lock_sock(sk);
	if (hide)
		cmpxchg(&sk->sk_rcvbuf, 0, rcvbuf);
	if (ours && dropped)
		__NET_ADD_STATS(net, LINUX_MIB_LOCKDROPPEDICMPS, -(long)dropped);

	if (sk->sk_state != TCP_SYN_SENT) {
		/* The stock handler aborted: nobody owned the socket. */
		if (suppress)
			ev->action = V6FIX_ACTION_PASSED;	/* not ours to say */
		else
			ev->action = V6FIX_ACTION_ABORTED;
	} else if (!dropped) {
		/* TCP never saw it: the stock kernel discarded it before. */
		ev->action = V6FIX_ACTION_PASSED;
	} else if (!suppress) {
		/* Owned by a system call: stored; abort when it lets go. */
		ev->action = v6fix_defer_abort(sk, ev) ?
			     V6FIX_ACTION_DEFERRED_ABORT : V6FIX_ACTION_PASSED;
	} else if (ours && ev->policy == V6FIX_POLICY_RFC1122 &&
		   READ_ONCE(sk->sk_err_soft) == ev->err &&
		   (v6 ? v6fix_sk_recverr6(sk) : v6fix_sk_recverr(sk))) {
		WRITE_ONCE(sk->sk_err_soft, soft);
		WRITE_ONCE(sk->sk_err, ev->err);
		sk_error_report(sk);
	}
	if (ours)
		v6fix_release_owned(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
	return NF_STOLEN;
}

/*
 * The checks tcp_v4_err()/tcp_v6_err() make before they act, and ours: a
 * full socket in SYN-SENT whose ISN is the quoted sequence number (RFC 5927:
 * a router quotes the SYN, whose sequence number is the ISN; the stack
 * accepts anything from snd_una to snd_nxt). Then the policy decides, and
 * the error goes on to the stock kernel (v6fix_deliver()) unless it failed
 * our checks. Those errors are dropped here, before the stock kernel's own
 * checks: one it would have discarded too (broadcast, IPsec) then misses
 * only its counters (IcmpInMsgs, IcmpInErrors or XfrmIn*).
 * Called with the reference the lookup took, which is dropped here; returns
 * the verdict and sets ev->action.
 */
static unsigned int v6fix_decide(struct net *net, struct sock *sk,
				 struct v6fix_event *ev, u8 hops,
				 const struct v6fix_config *cfg,
				 struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	unsigned int verdict = NF_ACCEPT;
	struct v6fix_settings st;
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
	/* The socket is known: its scope's settings, if one matches (scope.c). */
	v6fix_scope_resolve(v6fix_pernet(net), cfg, sk, ev->family, &st);
	ev->policy = st.policy;
	ev->scope_id = st.scope_id;

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
	ev->action = v6fix_policy_decide(ev->policy, st.bsd_retries,
					 ev->syn_retrans,
					 READ_ONCE(sk->sk_err_soft) != 0,
					 sock_owned_by_user(sk));
	if (ev->action != V6FIX_ACTION_PASSED)
		return v6fix_deliver(sk, skb, state, ev, st.errqueue);
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
	struct v6fix_config cfg;
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
	/* One snapshot of the settings decides this error (netns.h). */
	v6fix_config_get(v6fix_pernet(net), &cfg);
	ev.policy = cfg.policy[V6FIX_INET6];
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
	return v6fix_done(net, &ev, v6fix_decide(net, sk, &ev, ip6h->hop_limit,
						  &cfg, skb, state));
}

static unsigned int v6fix_hook4(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct net *net = state->net;
	struct v6fix_event ev = { .family = V6FIX_INET };
	struct v6fix_config cfg;
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
	v6fix_config_get(v6fix_pernet(net), &cfg);
	ev.policy = cfg.policy[V6FIX_INET];

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
	return v6fix_done(net, &ev, v6fix_decide(net, sk, &ev, qh->ttl, &cfg,
						  skb, state));
}

/*
 * After every filter chain of a sane priority (an error one drops must not
 * act), NAT (the quote's addresses restored) and the security modules;
 * before conntrack's confirm (INT_MAX), which v6fix_continue() runs.
 */
static const struct nf_hook_ops v6fix_nf_ops[] = {
	{
		.hook = v6fix_hook6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP6_PRI_LAST - 1,
	},
	{
		.hook = v6fix_hook4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_LAST - 1,
	},
};

static int __net_init v6fix_hooks_net_init(struct net *net)
{
	return nf_register_net_hooks(net, v6fix_nf_ops, ARRAY_SIZE(v6fix_nf_ops));
}

/*
 * Teardown, for a dying namespace and at module unload. After
 * nf_unregister_net_hooks() returns, no hook runs in @net any more (it
 * waits for an RCU grace period), so nothing new is deferred there; then
 * the namespace's own pending aborts are cancelled (abort.c). The pernet
 * core frees v6fix_net only after every exit method has run.
 */
static void __net_exit v6fix_hooks_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, v6fix_nf_ops, ARRAY_SIZE(v6fix_nf_ops));
	v6fix_defer_net_exit(v6fix_pernet(net));
}

/*
 * Registered after the per-namespace state (netns.c) and the genetlink
 * family, unregistered before them: a hook never sees a namespace without
 * its v6fix_net, nor sends an event through an unregistered family.
 */
static struct pernet_operations v6fix_hooks_net_ops = {
	.init = v6fix_hooks_net_init,
	.exit = v6fix_hooks_net_exit,
};

int v6fix_hooks_init(void)
{
	return register_pernet_subsys(&v6fix_hooks_net_ops);
}

void v6fix_hooks_uninit(void)
{
	unregister_pernet_subsys(&v6fix_hooks_net_ops);
}
