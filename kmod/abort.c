// SPDX-License-Identifier: GPL-2.0
/*
 * Aborting a connection attempt: at once, from the hook, when nobody owns
 * the socket; or deferred to a work item when the error arrives while a
 * system call holds the socket lock. The second case is the one the stock
 * kernel leaves to the next SYN retransmission (about a second): a reject
 * rule in the host's own output chain answers the SYN while connect() is
 * still inside tcp_v4_connect()/tcp_v6_connect().
 */
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat.h"
#include "abort.h"
#include "events.h"
#include "netns.h"

/*
 * What tcp_v4_err()/tcp_v6_err() do to a SYN-SENT socket:
 * tcp_done_with_error() (mainline 6.10; the 6.1 stable series has it too),
 * which purges the write queue, then tcp_done() and the error report.
 * 6.1.192 exports it (EXPORT_SYMBOL, net/ipv4/tcp_input.c), so there v6fix
 * calls it, purge included. 6.12.117 exports it only when IPv6 is a module
 * (EXPORT_IPV6_MOD, include/net/ip.h; Debian builds IPv6 in) and
 * tcp_write_queue_purge() in neither kernel, so on 6.12
 * v6fix_tcp_done_with_error() (compat.h) is its body without the purge: the
 * SYN stays on the retransmit queue until connect() fails and
 * tcp_disconnect() purges it (or close() does). Only the deferred abort
 * comes here; an abort the stock handler can do is left to it (hook.c).
 * Caller holds bh_lock_sock() with BHs off, and a reference.
 */
void v6fix_abort(struct sock *sk, int err)
{
	v6fix_tcp_done_with_error(sk, err);
}

/*
 * Deferred aborts. Each holds a reference on its socket, taken under
 * bh_lock_sock() in the hook, so the socket cannot be freed before the work
 * is done with it; a user socket in turn holds its namespace, whose
 * v6fix_net the work counts in. Each is on its namespace's list
 * (v6fix_net.deferred, under deferred_lock, BH-safe: the hook adds from
 * softirq), which bounds them per namespace and per socket: at most one
 * pending item per socket (a second error while one waits changes nothing:
 * the attempt is aborted once), at most V6FIX_DEFERRED_MAX per namespace
 * (past it, the stock kernel decides).
 *
 * A work item never sleeps on the socket lock: it takes the socket's
 * spinlock, as a TCP timer does, and acts only if no system call owns the
 * socket; otherwise it tries again later (1 jiffy, doubling up to 100 ms),
 * for as long as the attempt lasts. So nothing waits behind a socket whose
 * owner blocks (a setsockopt() copying from a page that faults slowly), and
 * a dying namespace cancels only its own items (v6fix_defer_net_exit()), no
 * global flush.
 */
#define V6FIX_DEFERRED_MAX 64
#define V6FIX_DEFERRED_RETRY_MAX (HZ / 10)

struct v6fix_deferred {
	struct delayed_work work;
	struct list_head node;		/* on vn->deferred; empty once taken */
	struct v6fix_net *vn;
	struct sock *sk;
	unsigned long retry;		/* the next delay, jiffies */
	struct v6fix_event ev;
};

static struct workqueue_struct *v6fix_wq;

/* Take @d off its list; true if we did (and so now own it). */
static bool v6fix_deferred_take(struct v6fix_deferred *d)
{
	struct v6fix_net *vn = d->vn;
	bool taken = false;

	spin_lock_bh(&vn->deferred_lock);
	if (!list_empty(&d->node)) {
		list_del_init(&d->node);
		vn->deferred_nr--;
		taken = true;
	}
	spin_unlock_bh(&vn->deferred_lock);
	return taken;
}

static void v6fix_deferred_free(struct v6fix_deferred *d)
{
	sock_put(d->sk);
	kfree(d);
}

static void v6fix_deferred_work(struct work_struct *work)
{
	struct v6fix_deferred *d = container_of(to_delayed_work(work),
						struct v6fix_deferred, work);
	struct sock *sk = d->sk;
	bool again = false;

	/* As tcp_write_timer(): the spinlock, and act only if nobody owns it. */
	local_bh_disable();
	bh_lock_sock(sk);
	if (sk->sk_state != TCP_SYN_SENT) {
		/* Established meanwhile, failed, or closed. */
		d->ev.action = V6FIX_ACTION_IGNORED_NOT_SYN_SENT;
	} else if (tcp_sk(sk)->snd_una != d->ev.seq) {
		/* A new attempt on the same socket: not this error's. */
		d->ev.action = V6FIX_ACTION_IGNORED_SPOOFED;
	} else if (sock_owned_by_user(sk)) {
		again = true;
	} else {
		d->ev.syn_retrans = inet_csk(sk)->icsk_retransmits;
		v6fix_abort(sk, d->ev.err);
		d->ev.action = V6FIX_ACTION_DEFERRED_ABORT;
	}
	bh_unlock_sock(sk);
	local_bh_enable();

	if (again) {
		/* Requeueing is safe against cancel_delayed_work_sync(). */
		queue_delayed_work(v6fix_wq, &d->work, d->retry);
		d->retry = min_t(unsigned long, d->retry * 2, V6FIX_DEFERRED_RETRY_MAX);
		return;
	}
	/* The namespace's exit took it first: it frees it, uncounted. */
	if (!v6fix_deferred_take(d))
		return;
	d->ev.delay_ns = ktime_get_ns() - d->ev.tstamp_ns;
	/* sock_net(sk) is valid while the reference is held. */
	v6fix_record(sock_net(sk), &d->ev, GFP_KERNEL);
	v6fix_deferred_free(d);
}

/*
 * Queue an abort of @sk for when its owner releases it. Called from the
 * hook with bh_lock_sock() held. Returns false if nothing was queued: the
 * namespace's bound is reached, or memory is short; true also when an item
 * for @sk is already pending (that one aborts the attempt).
 */
bool v6fix_defer_abort(struct sock *sk, const struct v6fix_event *ev)
{
	struct v6fix_net *vn = v6fix_pernet(sock_net(sk));
	struct v6fix_deferred *d, *pos;
	bool queued = false;

	d = kmalloc(sizeof(*d), GFP_ATOMIC);
	if (!d)
		return false;
	INIT_DELAYED_WORK(&d->work, v6fix_deferred_work);
	d->vn = vn;
	d->sk = sk;
	d->retry = 1;
	d->ev = *ev;

	spin_lock_bh(&vn->deferred_lock);
	list_for_each_entry(pos, &vn->deferred, node) {
		if (pos->sk == sk) {
			spin_unlock_bh(&vn->deferred_lock);
			kfree(d);
			return true;
		}
	}
	if (!vn->dying && vn->deferred_nr < V6FIX_DEFERRED_MAX) {
		sock_hold(sk);
		list_add_tail(&d->node, &vn->deferred);
		vn->deferred_nr++;
		queue_delayed_work(v6fix_wq, &d->work, 0);
		queued = true;
	}
	spin_unlock_bh(&vn->deferred_lock);
	if (!queued)
		kfree(d);
	return queued;
}

void v6fix_defer_net_init(struct v6fix_net *vn)
{
	spin_lock_init(&vn->deferred_lock);
	INIT_LIST_HEAD(&vn->deferred);
	vn->deferred_nr = 0;
	vn->dying = false;
}

/*
 * A namespace goes (or the module): after its hooks are unregistered
 * nothing new is deferred in it; cancel what is pending, waiting only for
 * an item that is running right now, which never sleeps on a lock. Items
 * of user sockets cannot be here (their sockets hold the namespace), only
 * those of kernel sockets.
 */
void v6fix_defer_net_exit(struct v6fix_net *vn)
{
	struct v6fix_deferred *d;

	spin_lock_bh(&vn->deferred_lock);
	vn->dying = true;
	while ((d = list_first_entry_or_null(&vn->deferred,
					     struct v6fix_deferred, node))) {
		list_del_init(&d->node);
		vn->deferred_nr--;
		spin_unlock_bh(&vn->deferred_lock);
		cancel_delayed_work_sync(&d->work);
		v6fix_deferred_free(d);
		spin_lock_bh(&vn->deferred_lock);
	}
	spin_unlock_bh(&vn->deferred_lock);
}

int v6fix_defer_init(void)
{
	/* Unbound: the items are short, but may come in bursts from softirq. */
	v6fix_wq = alloc_workqueue("v6fix", WQ_UNBOUND, 0);
	return v6fix_wq ? 0 : -ENOMEM;
}

void v6fix_defer_uninit(void)
{
	destroy_workqueue(v6fix_wq);
}
