/* SPDX-License-Identifier: GPL-2.0-only */
/* crosslatctl arm, disarm, armed: layer tracing of crosslat_rtt.ko, parsed on their own. */
#ifndef _CROSSLAT_ARM_CMD_H
#define _CROSSLAT_ARM_CMD_H

#include <stdbool.h>

/* Whether the command line's COMMAND is arm, disarm or armed (their options are their own). */
bool arm_cmd_wanted(int argc, char **argv);
/* Runs it over the whole command line; returns the exit status. */
int arm_cmd_main(int argc, char **argv);

#endif /* _CROSSLAT_ARM_CMD_H */
