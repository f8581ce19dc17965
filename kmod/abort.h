/* SPDX-License-Identifier: GPL-2.0 */
/* Aborting an attempt, at once or deferred (abort.c). */
#ifndef _V6FIX_ABORT_H
#define _V6FIX_ABORT_H

#include <linux/types.h>

struct sock;
struct v6fix_event;
struct v6fix_net;

void v6fix_abort(struct sock *sk, int err);
bool v6fix_defer_abort(struct sock *sk, const struct v6fix_event *ev);
void v6fix_defer_net_init(struct v6fix_net *vn);
void v6fix_defer_net_exit(struct v6fix_net *vn);
int v6fix_defer_init(void);
void v6fix_defer_uninit(void);

#endif /* _V6FIX_ABORT_H */
