/* SPDX-License-Identifier: GPL-2.0 */
/* TEMPORARY STUB (the lead's placeholder until branch netwatch lands the real module). */
#ifndef XST_NET_HOST_H
#define XST_NET_HOST_H

#include <stdint.h>

#include "net/net.h"

struct xst_host;

enum xst_host_verdict {
	XST_HOST_OK,
	XST_HOST_FOREIGN_MAC,
	XST_HOST_FOREIGN_VLAN,
	XST_HOST_MARTIAN,
};

static inline enum xst_host_verdict xst_host_check(const struct xst_host *h, const uint8_t *frame,
						   const struct xst_pkt *p)
{
	(void)h;
	(void)frame;
	return p->sport ? XST_HOST_OK : XST_HOST_MARTIAN;
}

static inline uint32_t xst_host_mtu(const struct xst_host *h)
{
	(void)h;
	return 1500;
}

#endif /* XST_NET_HOST_H */
