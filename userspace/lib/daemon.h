/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Background helpers for the test objects (serve, delayline): detach once
 * ready, so a script knows the helper works when the command returns, and
 * exit together with a watched process, so a helper never outlives its test
 * even when the test is killed with SIGKILL and its traps never run.
 */
#ifndef V6FIX_DAEMON_H
#define V6FIX_DAEMON_H

#include <sys/types.h>

/*
 * Fork. The parent prints the child's pid and a newline on stdout and exits
 * 0; the child returns 0 in a new session with stdin and stdout on
 * /dev/null (stderr is kept for error reports), so `pid=$(v6fix ...)`
 * returns at once. Returns -errno when fork fails (in the caller).
 */
int v6fix_daemonize(void);

/*
 * A pollable descriptor that becomes readable when process @pid exits
 * (pidfd_open(2), Linux 5.3+), or -errno.
 */
int v6fix_pidfd_open(pid_t pid);

/* Parse "--exit-with PID"'s value; exits 2 with one line when it is bad. */
pid_t v6fix_parse_pid(const char *arg);

#endif
