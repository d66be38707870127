/* SPDX-License-Identifier: GPL-2.0 */
/* Private helpers of the loader library (pins, bpffs, interface addresses). */
#ifndef XST_LOADER_LOADER_INT_H
#define XST_LOADER_LOADER_INT_H

#include <stdbool.h>
#include <stddef.h>

/* True when path is on a bpffs. */
bool xst_pin_is_bpffs(const char *path);

/* Mount bpffs on /sys/fs/bpf unless it is one already, then create
 * XST_PIN_ROOT/<ifname> (mode 0700). dir receives that path. 0 or -errno. */
int xst_pin_prepare(const char *ifname, char *dir, size_t size);

/* XST_PIN_ROOT/<ifname> into dir. 0 or -ENAMETOOLONG. */
int xst_pin_dir(const char *ifname, char *dir, size_t size);

/* Remove every pin under XST_PIN_ROOT/<ifname>, the directory, and
 * XST_PIN_ROOT when it is left empty. Returns 1 when something was removed,
 * 0 when there was nothing (or no bpffs), -errno on failure. Never mounts. */
int xst_pin_remove(const char *ifname);

/* Insert the IPv4 addresses of ifname into the local4 map and its IPv6
 * addresses (link-local included) into local6. Returns the number of
 * addresses inserted, or -errno. */
int xst_ifaddr_fill(const char *ifname, int local4_fd, int local6_fd);

/* Test-only hook: when the environment variable XST_TEST_KILL_AFTER names
 * this step, the process kills itself with SIGKILL (to test recovery from a
 * loader killed mid-attach). */
void xst_kill_point(const char *step);

#endif /* XST_LOADER_LOADER_INT_H */
