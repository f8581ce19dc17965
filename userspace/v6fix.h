/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The v6fix command line: global options and one entry point per object
 * (softerr.c, onlink.c, ...). Each do_OBJECT() gets the arguments after the
 * object's name and returns the exit status.
 */
#ifndef V6FIX_CLI_H
#define V6FIX_CLI_H

#include <stdbool.h>

struct v6fix_opts {
	const char *netns;	/* -n NAME: entered before the command runs */
	bool json;		/* -j */
};
extern struct v6fix_opts v6fix_opts;

/* True when argv[0] asks for help (help, -h, --help). */
bool v6fix_is_help(const char *arg);

int do_softerr(int argc, char **argv);
int do_onlink(int argc, char **argv);
int do_label(int argc, char **argv);
int do_policy(int argc, char **argv);
int do_connect(int argc, char **argv);
int do_predict(int argc, char **argv);
int do_clientprobe(int argc, char **argv);
int do_serve(int argc, char **argv);
int do_delayline(int argc, char **argv);
int do_dns(int argc, char **argv);
int do_version(int argc, char **argv);
int do_fwcheck(int argc, char **argv);
int do_predict_data(int argc, char **argv);
int do_run(int argc, char **argv);

#endif
