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

#include "v6fix.h"

/*
 * What tcp_v4_err()/tcp_v6_err() do to a SYN-SENT socket, which is
 * tcp_done_with_error() since 6.10 (and in Debian's 6.1, a backport). That
 * helper is not exported by 6.12 and the write-queue purge inside it is not
 * exported at all, so this is its body without the purge: the SYN stays on
 * the retransmit queue until connect() fails and tcp_disconnect() purges it
 * (or close() does), as on kernels before 6.10, where the error handlers did
 * exactly this. Caller holds bh_lock_sock() with BHs off, and a reference.
 */
void v6fix_abort(struct sock *sk, int err)
{
	WRITE_ONCE(sk->sk_err, err);
	/* Pairs with the smp_rmb() in tcp_poll(). */
	smp_wmb();
	tcp_done(sk);
	if (!sock_flag(sk, SOCK_DEAD))
		sk_error_report(sk);
}

/*
 * Deferred aborts. Each holds a reference on its socket, taken under
 * bh_lock_sock() in the hook, so the socket cannot be freed before the work
 * runs; a user socket in turn holds its namespace, whose v6fix_net the work
 * uses to count. Kernel sockets do not hold their namespace: for them, the
 * hooks' exit_batch flushes the queue before the pernet core frees the
 * namespace's state (hook.c). At module unload the same flush runs for every
 * namespace before anything else is torn down, and v6fix_defer_uninit()
 * destroys the (then empty) queue last.
 *
 * The number in flight is bounded: a flood of errors at a socket that stays
 * locked must not pile up memory. Past the bound the stock kernel decides.
 */
#define V6FIX_DEFERRED_MAX 256

struct v6fix_deferred {
	struct work_struct work;
	struct sock *sk;
	struct v6fix_event ev;
};

static struct workqueue_struct *v6fix_wq;
static atomic_t v6fix_deferred_nr = ATOMIC_INIT(0);

static void v6fix_deferred_work(struct work_struct *work)
{
	struct v6fix_deferred *d = container_of(work, struct v6fix_deferred, work);
	struct sock *sk = d->sk;

	/*
	 * Sleeps until the owner (connect(), typically already waiting for
	 * the SYN-ACK with the lock released) lets go; then nothing else
	 * can change the socket, and timers and packets go to the backlog.
	 * The BH lock as well, as in tcp_abort(): tcp_done() runs with BHs
	 * off everywhere else.
	 */
	lock_sock(sk);
	local_bh_disable();
	bh_lock_sock(sk);
	if (sk->sk_state != TCP_SYN_SENT) {
		/* Established meanwhile, failed, or closed. */
		d->ev.action = V6FIX_ACTION_IGNORED_NOT_SYN_SENT;
	} else if (tcp_sk(sk)->snd_una != d->ev.seq) {
		/* A new attempt on the same socket: not this error's. */
		d->ev.action = V6FIX_ACTION_IGNORED_SPOOFED;
	} else {
		d->ev.syn_retrans = inet_csk(sk)->icsk_retransmits;
		v6fix_abort(sk, d->ev.err);
		d->ev.action = V6FIX_ACTION_DEFERRED_ABORT;
	}
	bh_unlock_sock(sk);
	local_bh_enable();
	release_sock(sk);

	d->ev.delay_ns = ktime_get_ns() - d->ev.tstamp_ns;
	/* sock_net(sk) is valid while the reference is held. */
	v6fix_record(sock_net(sk), &d->ev, GFP_KERNEL);
	sock_put(sk);
	kfree(d);
	atomic_dec(&v6fix_deferred_nr);
}

/*
 * Queue an abort of @sk for when its owner releases it. Called from the
 * hook with bh_lock_sock() held. Returns false if nothing was queued.
 */
bool v6fix_defer_abort(struct sock *sk, const struct v6fix_event *ev)
{
	struct v6fix_deferred *d;

	if (atomic_inc_return(&v6fix_deferred_nr) > V6FIX_DEFERRED_MAX)
		goto err;
	d = kmalloc(sizeof(*d), GFP_ATOMIC);
	if (!d)
		goto err;

	INIT_WORK(&d->work, v6fix_deferred_work);
	sock_hold(sk);
	d->sk = sk;
	d->ev = *ev;
	queue_work(v6fix_wq, &d->work);
	return true;

err:
	atomic_dec(&v6fix_deferred_nr);
	return false;
}

/* Wait until every deferred abort queued so far has run. */
void v6fix_defer_flush(void)
{
	flush_workqueue(v6fix_wq);
}

int v6fix_defer_init(void)
{
	/*
	 * Unbound: a work item may sleep in lock_sock() for as long as a
	 * system call holds the socket; others must not wait behind it.
	 */
	v6fix_wq = alloc_workqueue("v6fix", WQ_UNBOUND, 0);
	return v6fix_wq ? 0 : -ENOMEM;
}

void v6fix_defer_uninit(void)
{
	destroy_workqueue(v6fix_wq);
}
