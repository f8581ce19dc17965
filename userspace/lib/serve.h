/* SPDX-License-Identifier: GPL-2.0 */
/*
 * v6fix serve's server designs: the four ways the v6pc guide makes a server
 * dual-stack (seed 000, "サーバのデュアルスタック化"), each in its own file,
 * and what they share: making a listening socket, the accept loop, and the
 * one function that answers a connection.
 *
 *   serve_sockets.c    (2) one socket per getaddrinfo(AI_PASSIVE) result,
 *                          all waited on with poll()
 *   serve_processes.c  (3) one single-stack process per family
 *   serve_mapped.c     (4) one AF_INET6 socket that also takes IPv4 peers
 *                          as v4-mapped addresses
 *   serve_inetd.c      (1) a real inetd (openbsd-inetd) does the networking
 *                          and runs `v6fix serve --inetd` per connection
 *   serve_answer.c     what every connection is answered with, and the log
 *   serve_loop.c       socket()/bind()/listen() for one address; the loop
 */
#ifndef V6FIX_SERVE_H
#define V6FIX_SERVE_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* --v6only: leave the kernel's choice (net.ipv6.bindv6only), or set it. */
enum serve_v6only {
	SERVE_V6ONLY_DEFAULT = -1,
	SERVE_V6ONLY_OFF = 0,
	SERVE_V6ONLY_ON = 1,
};

struct serve_ctx {
	const char *design;	/* its name, in every answer and log line */
	enum serve_v6only v6only;
	bool unmap;		/* print v4-mapped peers as the IPv4 they are */
	uint16_t port;
	int log_fd;		/* -1, or O_APPEND: one JSON line per connection */
	const char *log_path;	/* for inetd's command line */
	int watch;		/* a pidfd (--exit-with), or -1 */
	bool daemon;		/* detach once listening (--daemon) */
};

/*
 * Answer the connection on @in/@out (the same socket, or inetd's stdin and
 * stdout): the peer's address (getpeername() on @in) as text, the family of
 * the socket that accepted it and the design's name, inside an HTTP/1.0 200
 * response, so curl is a valid client too. Returns 0 or -errno.
 */
int serve_answer(const struct serve_ctx *ctx, int in, int out);

/*
 * The server-side record of the connection on @fd: the same values as one
 * JSON line in the log (--log), written at accept. 0 or -errno (0 without
 * a log).
 */
int serve_record(const struct serve_ctx *ctx, int fd);

/*
 * socket(), IPV6_V6ONLY as @ctx says (AF_INET6 only), SO_REUSEADDR, bind()
 * and listen() for @ai. Returns the descriptor, or -errno with *@step set
 * to the call that failed ("socket", "setsockopt", "bind", "listen").
 */
int serve_listen(const struct serve_ctx *ctx, const struct addrinfo *ai, const char **step);

/*
 * getaddrinfo(NULL, port, { AI_PASSIVE, @family, SOCK_STREAM }): the
 * wildcard addresses in glibc's order. Returns 0 or exits 1 with a message.
 */
struct addrinfo *serve_passive(const struct serve_ctx *ctx, int family);

/* "0.0.0.0 port 80" / "[::] port 80" for messages. */
const char *serve_ai_text(const struct addrinfo *ai, char *buf, size_t len);

/*
 * Accept on @fds (@n listening sockets) and answer each connection until
 * the watched process exits. Never returns.
 */
_Noreturn void serve_loop(const struct serve_ctx *ctx, const int *fds, size_t n);

/* The designs: each returns only on failure (exit status). */
int serve_sockets(const struct serve_ctx *ctx);
int serve_processes(const struct serve_ctx *ctx);
int serve_mapped(const struct serve_ctx *ctx);
int serve_inetd(const struct serve_ctx *ctx);

/* `v6fix serve --inetd`: inetd's child for one connection on stdin/stdout. */
int serve_inetd_conn(const struct serve_ctx *ctx);

#endif

/*
 * For the designs with a supervisor (processes, inetd): --daemon that
 * returns only once the daemon is listening. serve_detach() forks when
 * ctx->daemon (else returns -1 and does nothing): the foreground process
 * waits for serve_ready()'s status, then prints the daemon's pid and exits
 * 0, or exits with the status. In the daemon it returns the descriptor for
 * serve_ready(); stdin and stdout are /dev/null, stderr is kept.
 */
int serve_detach(const struct serve_ctx *ctx);
void serve_ready(int fd, int status);

/*
 * The supervisor's wait, after SIGTERM, SIGINT and SIGCHLD were blocked
 * with serve_block_signals(): returns 0 when a child exited (*pid, *status
 * from waitpid()), 1 when the supervisor should stop (SIGTERM, SIGINT, the
 * watched process exited).
 */
int serve_block_signals(void);
int serve_supervise(const struct serve_ctx *ctx, int sfd, pid_t *pid, int *status);
/* "exited with status 1" / "was killed by signal 9" */
const char *serve_wait_text(int status, char *buf, size_t len);
