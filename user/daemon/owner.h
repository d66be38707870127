/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who attached the steering program: a record /run/xdpstorm/<ifname>.owner
 * ("pid prog-id") written by the daemon that attached it. A daemon killed
 * before it could detach leaves the program on the interface (its sockets
 * are gone, so the program passes everything to the kernel); the next
 * daemon finds the record, sees that pid is gone and the program id is the
 * same, and takes the attachment over so that its own exit detaches it.
 * A program attached with xdpstormctl has no record and is never taken.
 */
#ifndef XST_DAEMON_OWNER_H
#define XST_DAEMON_OWNER_H

#include <stdint.h>

#define XST_OWNER_DIR	"/run/xdpstorm"

/* Record this process as the owner of prog_id on ifname. 0 or -errno. */
int xst_owner_write(const char *ifname, uint32_t prog_id);

/* The pid of a dead owner of prog_id on ifname, 0 when there is no such
 * record (none, another program, or its process still runs). */
int xst_owner_orphaned(const char *ifname, uint32_t prog_id);

/* The pid of a live daemon recorded as the owner on ifname (whatever the
 * program), 0 when there is none or it is gone. */
int xst_owner_alive(const char *ifname);

/* Remove the record (no error when there is none). */
void xst_owner_remove(const char *ifname);

#endif /* XST_DAEMON_OWNER_H */
