/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslatctl metrics: the subcommand of crosslat_metrics.ko, parsed on its own. */
#ifndef _CROSSLAT_METRICS_CMD_H
#define _CROSSLAT_METRICS_CMD_H

#include <stdbool.h>

struct ctl_opts;

/* Whether the command line's COMMAND is "metrics" (its options are its own). */
bool metrics_cmd_wanted(int argc, char **argv);
/* Runs it over the whole command line; returns the exit status. */
int metrics_cmd_main(int argc, char **argv);
/* The subcommand table's entry (reached only when metrics_cmd_wanted() missed it). */
int metrics_cmd_run(int argc, char **argv, const struct ctl_opts *opts);

#endif /* _CROSSLAT_METRICS_CMD_H */
