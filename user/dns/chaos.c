// SPDX-License-Identifier: GPL-2.0
/*
 * CHAOS-class identity answers, as NSD 4.6's answer_chaos(): id.server and
 * hostname.bind give the server's identity, version.server and
 * version.bind its version, each a TXT RR (class CH, TTL 0, owner a
 * pointer to the question) for qtype TXT or ANY; AA clear. A hidden one
 * (NSD's hide-identity, hide-version) and every other CH question are
 * REFUSED with an extended error (prohibited, not supported). The RDATA is
 * prepared when the database is set up; per query only copies.
 */
#include "dns/db.h"

#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "dns/db_priv.h"
#include "dns/wire.h"
#include "dnsmsg/parse.h"

static void prepare(struct xst_dns_chaos_txt *t, const char *text, int hide)
{
	size_t n = strlen(text);

	if (hide) {
		t->len = 0;
		return;
	}
	if (n > 255)
		n = 255;
	t->rdata[0] = (uint8_t)n;
	memcpy(t->rdata + 1, text, n);
	t->len = (uint16_t)(n + 1);
}

void xst_dns_db_set_identity(struct xst_dns_db *db, const struct xst_dns_identity *id)
{
	char host[256] = "";
	const char *ident = id ? id->identity : NULL;

	if (!ident) {
		/* NSD's default identity: the host's name */
		if (gethostname(host, sizeof(host) - 1))
			host[0] = 0;
		host[sizeof(host) - 1] = 0;
		ident = host;
	}
	prepare(&db->chaos_id, ident, id && id->hide_identity);
	prepare(&db->chaos_version, id && id->version ? id->version : XST_DNS_VERSION_DEFAULT,
		id && id->hide_version);
}

/* The lower-cased wire names NSD answers, and which answer each gets. */
static const struct {
	const char *name;
	size_t len;
	int version;
} names[] = {
	{ "\002id\006server", 11, 0 },
	{ "\010hostname\004bind", 15, 0 },
	{ "\007version\006server", 16, 1 },
	{ "\007version\004bind", 14, 1 },
};

size_t xst_dns_chaos_answer(const struct xst_dns_db *db, uint8_t *msg, size_t cap, int transport,
			    const struct xst_dnsmsg_query *q, struct xst_dns_stats *st)
{
	const struct xst_dns_chaos_txt *t = NULL;
	size_t qend = xst_dnsmsg_qend(q), pos, room, i;

	if (q->qtype == XST_T_TXT || q->qtype == XST_T_ANY)
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (q->qname_len == names[i].len &&
			    !memcmp(q->lname, names[i].name, names[i].len))
				t = names[i].version ? &db->chaos_version : &db->chaos_id;
	if (!t || !t->len) {
		size_t len = xst_dnsmsg_refused(msg, cap, q,
						t ? XST_EDE_PROHIBITED : XST_EDE_NOT_SUPPORTED);

		if (!len) {
			st->dropped_short++;
			return 0;
		}
		st->refused++;
		st->answered++;
		return len;
	}
	room = xst_dns_room(q, transport, cap);
	if (qend + 12 + t->len + (q->edns ? XST_DNS_OPT_LEN : 0) > room) {
		st->dropped_short++;
		return 0;
	}
	pos = qend;
	xst_put_be16(msg + pos, 0xc000 | XST_DNS_HDR);
	xst_put_be16(msg + pos + 2, XST_T_TXT);
	xst_put_be16(msg + pos + 4, XST_C_CH);
	xst_put_be32(msg + pos + 6, 0);
	xst_put_be16(msg + pos + 10, t->len);
	memcpy(msg + pos + 12, t->rdata, t->len);
	pos += 12u + t->len;
	xst_put_be16(msg + 2, (uint16_t)(XST_DNS_F_QR | (q->flags & XST_DNS_F_RD)));
	xst_put_be16(msg + 4, 1);
	xst_put_be16(msg + 6, 1);
	xst_put_be16(msg + 8, 0);
	xst_put_be16(msg + 10, (uint16_t)!!q->edns);
	if (q->edns)
		pos += xst_dnsmsg_put_opt_inline(msg + pos, q->dnssec_ok, 0, -1);
	st->answered++;
	st->noerror++;
	return pos;
}
