// SPDX-License-Identifier: GPL-2.0-only
/*
 * The points: probes on netif_receive_skb (a packet entering the host through a watched
 * device: from a pod through its port, from the network through the NIC) and
 * net_dev_start_xmit (leaving through one, after its qdisc). A packet on another device
 * costs a look through the few points. At an entry, the innermost TCP segment (inside
 * VXLAN, GENEVE or IP-in-IP) is parsed and its payload scanned for an HTTP/1.x header
 * block with a trace context, chunk by chunk whatever the skb's layout, continuing a block
 * that began in the flow's previous segment (split: the scanner's state waits under the
 * next sequence number); the segment where a context is found is remembered by (flow,
 * sequence). At an exit, a segment that matches a
 * remembered one makes a crosslat_pkt_hop event; while none is remembered, exits cost one
 * check more.
 */
#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/smp.h>
#include <net/net_namespace.h>
#include "core/encap_parse.h"
#include "engine/kernel_tp.h"
#include "pkt.h"
#include "crosslat_pkt_trace.h"

/* Bytes parsed at the network header: outer IPv6 + GENEVE options + inner headers. */
#define PKT_HDR_MAX	256
/* Payload is scanned this many bytes at a time (copied only from paged data). */
#define PKT_CHUNK	512

/* The innermost TCP segment's key and payload; false if it is none. */
static bool pkt_segment(const struct sk_buff *skb, u32 inum, struct pkt_key *key, u32 *off,
			u32 *len)
{
	const struct crosslat_pkt *in;
	struct crosslat_encap e;
	int noff = skb_network_offset(skb);
	u8 buf[PKT_HDR_MAX];
	const u8 *data;
	u32 want;
	int err;

	if (noff < 0 || skb->len <= (unsigned int)noff)
		return false;
	/* ARP, LLDP...: nothing to parse, and no error */
	if (skb->protocol != htons(ETH_P_IP) && skb->protocol != htons(ETH_P_IPV6))
		return false;
	want = min_t(u32, skb->len - noff, PKT_HDR_MAX);
	data = skb_header_pointer(skb, noff, want, buf);
	err = data ? crosslat_encap_parse(data, want, CROSSLAT_PKT_L3, NULL, &e) :
		     -CROSSLAT_ENCAP_ERR_OUTER_TRUNCATED;
	if (unlikely(err)) {
		/* not IP (ARP...) inside a tunnel is no error */
		if (err != -CROSSLAT_ENCAP_ERR_INNER_INVALID ||
		    e.pkt_err != CROSSLAT_PKT_ERR_UNSUPPORTED_L3)
			pkt_count(CROSSLAT_STAT_PKT_PARSE_ERRORS);
		return false;
	}
	in = crosslat_encap_innermost(&e);
	if (!in->l4_valid || in->l4_proto != CROSSLAT_IPPROTO_TCP)
		return false;
	*off = noff + in->payload_off;
	if (*off >= skb->len)
		return false;
	/* a packet larger than buf: the rest of the skb (all of a GSO packet's segments) */
	*len = in->truncated ? skb->len - *off : min_t(u32, in->payload_len, skb->len - *off);
	if (!*len)
		return false;
	memset(key, 0, sizeof(*key));
	key->netns_inum = inum;
	key->family = in->family;
	key->seq = in->tcp.seq;
	key->sport = in->sport;
	key->dport = in->dport;
	memcpy(key->saddr, in->saddr, sizeof(key->saddr));
	memcpy(key->daddr, in->daddr, sizeof(key->daddr));
	return true;
}

/*
 * Scans the segment's payload for a trace context, continuing the header block of the
 * flow's previous segment if it did not end there; FOUND fills s. A block still going on
 * at the segment's end is kept for the next one.
 */
static void pkt_scan(const struct sk_buff *skb, u32 off, u32 len, u64 now,
		     struct pkt_sighting *s, u32 *start_seq)
{
	struct crosslat_http_ctx_scan scan;
	struct crosslat_http_ctx res;
	u8 buf[PKT_CHUNK];
	const u8 *chunk;
	int st = CROSSLAT_HTTP_CTX_INCOMPLETE;
	u32 n, left = len;
	bool continued;

	*start_seq = s->key.seq;
	continued = pkt_partial_take(&s->key, now, &scan, start_seq);
	if (!continued)
		crosslat_http_ctx_init(&scan, pkt_scan_max);
	while (left && st == CROSSLAT_HTTP_CTX_INCOMPLETE) {
		n = min_t(u32, left, PKT_CHUNK);
		chunk = skb_header_pointer(skb, off, n, buf);
		if (!chunk)
			break;
		st = crosslat_http_ctx_feed(&scan, chunk, n);
		off += n;
		left -= n;
	}
	pkt_count(CROSSLAT_STAT_PKT_SCANNED);
	s->kind = CROSSLAT_TRACE_CTX_NONE;
	switch (crosslat_http_ctx_result(&scan, &res)) {
	case CROSSLAT_HTTP_CTX_FOUND:
		pkt_count(CROSSLAT_STAT_PKT_CONTEXTS);
		s->kind = res.kind;
		s->is_response = res.is_response;
		memcpy(s->trace_id, res.trace_id, sizeof(s->trace_id));
		memcpy(s->span_id, res.span_id, sizeof(s->span_id));
		break;
	case CROSSLAT_HTTP_CTX_NO_CONTEXT:
		pkt_count(CROSSLAT_STAT_PKT_NO_CONTEXT);
		break;
	case CROSSLAT_HTTP_CTX_INVALID:
		pkt_count(CROSSLAT_STAT_PKT_INVALID);
		break;
	case CROSSLAT_HTTP_CTX_INCOMPLETE:
		if (!left) {
			struct pkt_key next = s->key;

			next.seq += len;
			if (!continued)
				pkt_count(CROSSLAT_STAT_PKT_SPLIT);
			pkt_partial_put(&next, &scan, *start_seq, now);
		}
		break;
	}
}

static void pkt_entry(const struct sk_buff *skb, const struct pkt_point *pt, u32 inum)
{
	struct pkt_sighting s;
	u32 off, len, start_seq;

	u8 first;

	if (!pkt_segment(skb, inum, &s.key, &off, &len))
		return;
	/*
	 * A segment that cannot start an HTTP message, when no header block awaits its
	 * next segment, is left before any scan set-up (most of a flow's segments).
	 */
	if (!pkt_partial_any() && !skb_copy_bits(skb, off, &first, 1) &&
	    !crosslat_http_ctx_may_start(first)) {
		pkt_count(CROSSLAT_STAT_PKT_SCANNED);
		return;
	}
	s.ts_ns = ktime_get_ns();
	pkt_scan(skb, off, len, s.ts_ns, &s, &start_seq);
	if (s.kind == CROSSLAT_TRACE_CTX_NONE)
		return;
	s.found_seq = s.key.seq;
	s.twin_seq = start_seq;
	s.len = len;
	s.netns_inum = inum;
	s.ifindex = pt->ifindex;
	s.role = pt->role;
	s.cpu = raw_smp_processor_id();
	if (in_task()) {
		s.pid = task_tgid_nr(current);
		memcpy(s.comm, current->comm, sizeof(s.comm));
	} else {
		s.pid = 0;
		memset(s.comm, 0, sizeof(s.comm));
	}
	pkt_pending_add(&s);
	if (start_seq != s.key.seq) {
		/*
		 * A split block may leave merged (GRO) into one packet from its first
		 * sequence, which holds found_seq: remembered under that one too. The exit
		 * takes one copy and drops the other.
		 */
		s.twin_seq = s.key.seq;
		s.key.seq = start_seq;
		pkt_pending_add(&s);
	}
}

static void pkt_exit(const struct sk_buff *skb, const struct pkt_point *pt, u32 inum)
{
	struct pkt_sighting s;
	struct pkt_exit x;
	struct pkt_key key;
	u32 off, len;

	if (!pkt_segment(skb, inum, &key, &off, &len))
		return;
	x.ts_ns = ktime_get_ns();
	if (!pkt_pending_take(&key, len, x.ts_ns, &s))
		return;
	x.netns_inum = inum;
	x.ifindex = pt->ifindex;
	x.role = pt->role;
	x.cpu = raw_smp_processor_id();
	trace_crosslat_pkt_hop(&s, &x);
	pkt_count(CROSSLAT_STAT_PKT_HOPS);
}

static const struct pkt_point *pkt_point_of(const struct net_device *dev, u32 *inum)
{
	if (likely(!pkt_has_points()))
		return NULL;
	*inum = dev_net(dev)->ns.inum;
	return pkt_point_find(*inum, dev->ifindex);
}

static void pkt_netif_receive_skb(void *data, struct sk_buff *skb)
{
	const struct pkt_point *pt;
	u32 inum;

	pt = pkt_point_of(skb->dev, &inum);
	if (pt)
		pkt_entry(skb, pt, inum);
}

static void pkt_net_dev_start_xmit(void *data, const struct sk_buff *skb,
				   const struct net_device *dev)
{
	const struct pkt_point *pt;
	u32 inum;

	if (likely(!pkt_pending_any()))
		return;
	pt = pkt_point_of(dev, &inum);
	if (pt)
		pkt_exit(skb, pt, inum);
}

static struct crosslat_kernel_tp pkt_probes[] = {
	{ "netif_receive_skb", pkt_netif_receive_skb },
	{ "net_dev_start_xmit", pkt_net_dev_start_xmit },
};

int pkt_probes_register(void)
{
	return crosslat_kernel_tp_register(pkt_probes, ARRAY_SIZE(pkt_probes));
}

void pkt_probes_unregister(void)
{
	crosslat_kernel_tp_unregister(pkt_probes, ARRAY_SIZE(pkt_probes));
}
