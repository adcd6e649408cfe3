// SPDX-License-Identifier: GPL-2.0-only
/* Test-only packet builder: Ethernet + VLAN + IPv4/IPv6 (+ext headers) + TCP/UDP + payload. */
#include <stdlib.h>
#include <string.h>

#include "pkt_builder.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t ipv4_csum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static size_t ext_len(const struct pkt_builder_ext *e)
{
	return e->type == PKT_BUILDER_EXT_FRAG ? 8 : e->len;
}

static size_t l4_hdr_len(const struct pkt_builder *b)
{
	if (b->proto == 6)
		return (size_t)b->doff * 4;
	if (b->proto == 17)
		return 8;
	return 0;
}

void pkt_builder_init(struct pkt_builder *b, uint8_t family, uint8_t proto)
{
	static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	static const uint8_t v4_src[4] = { 10, 0, 0, 1 };
	static const uint8_t v4_dst[4] = { 10, 0, 0, 2 };

	memset(b, 0, sizeof(*b));
	b->family = family;
	if (family == 4) {
		memcpy(b->saddr, v4_src, sizeof(v4_src));
		memcpy(b->daddr, v4_dst, sizeof(v4_dst));
	} else {
		memcpy(b->saddr, v6_src, sizeof(v6_src));
		memcpy(b->daddr, v6_dst, sizeof(v6_dst));
	}
	b->ttl = 64;
	b->ihl = 5;
	b->ip_id = 0x1234;
	b->dont_frag = true;
	b->proto = proto;
	b->sport = 40000;
	b->dport = 80;
	b->seq = 1000;
	b->ack_seq = 2000;
	b->tcp_flags = 0x18;	/* PSH|ACK */
	b->window = 65535;
	b->doff = 5;
}

void pkt_builder_add_ext(struct pkt_builder *b, uint8_t type, uint16_t len)
{
	struct pkt_builder_ext *e;

	if (b->next >= PKT_BUILDER_MAX_EXT)
		return;
	e = &b->ext[b->next++];
	memset(e, 0, sizeof(*e));
	e->type = type;
	e->len = type == PKT_BUILDER_EXT_FRAG ? 8 : len;
}

static void write_ext(const struct pkt_builder_ext *e, uint8_t next, uint8_t *p)
{
	size_t len = ext_len(e);

	memset(p, 0, len);	/* HOP/DEST: a run of Pad1 options */
	p[0] = next;
	switch (e->type) {
	case PKT_BUILDER_EXT_FRAG:
		put16(p + 2, (uint16_t)((e->frag_off & 0xfff8) | e->more_frags));
		put32(p + 4, e->frag_id);
		break;
	case PKT_BUILDER_EXT_AH:
		p[1] = (uint8_t)(len / 4 - 2);
		put32(p + 4, 0x1000 + e->len);	/* SPI */
		put32(p + 8, 1);		/* sequence number */
		break;
	case PKT_BUILDER_EXT_ROUTING:
		p[1] = (uint8_t)(len / 8 - 1);
		p[2] = 4;	/* segment routing header, segments left 0 */
		break;
	default:
		p[1] = (uint8_t)(len / 8 - 1);
		break;
	}
}

static void write_l4(const struct pkt_builder *b, uint8_t *p)
{
	size_t hlen = l4_hdr_len(b);

	memset(p, 0, hlen);
	if (b->proto == 6) {
		put16(p, b->sport);
		put16(p + 2, b->dport);
		put32(p + 4, b->seq);
		put32(p + 8, b->ack_seq);
		p[12] = (uint8_t)(b->doff << 4);
		p[13] = b->tcp_flags;
		put16(p + 14, b->window);
		memset(p + 20, 0x01, hlen - 20);	/* NOP options */
	} else if (b->proto == 17) {
		put16(p, b->sport);
		put16(p + 2, b->dport);
		put16(p + 4, (uint16_t)(8 + b->payload_len));
	}
}

size_t pkt_builder_build(const struct pkt_builder *b, uint8_t *buf, size_t cap,
			 struct pkt_builder_layout *lay_out)
{
	struct pkt_builder_layout lay;
	size_t l3_hdr, exts = 0, ip_len, total, off = 0, i;
	uint8_t *ip;

	memset(&lay, 0, sizeof(lay));
	if (b->family != 4 && b->family != 6)
		return 0;
	if (b->nvlan > PKT_BUILDER_MAX_VLAN || b->next > PKT_BUILDER_MAX_EXT)
		return 0;
	if (b->family == 4 && (b->ihl < 5 || b->ihl > 15))
		return 0;
	if (b->proto == 6 && (b->doff < 5 || b->doff > 15))
		return 0;
	for (i = 0; b->family == 6 && i < b->next; i++)
		exts += ext_len(&b->ext[i]);
	l3_hdr = b->family == 4 ? (size_t)b->ihl * 4 : 40;
	ip_len = l3_hdr + exts + l4_hdr_len(b) + b->payload_len;
	if (ip_len - (b->family == 6 ? 40 : 0) > 0xffff)
		return 0;
	if (b->proto == 17 && 8 + (size_t)b->payload_len > 0xffff)
		return 0;
	total = (b->l2 ? 14 + 4 * (size_t)b->nvlan : 0) + ip_len + b->pad_len;
	if (total > cap)
		return 0;

	if (b->l2) {
		static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
		uint16_t type = b->ethertype;

		if (!type)
			type = b->family == 4 ? 0x0800 : 0x86dd;
		memcpy(buf, macs, sizeof(macs));
		off = 12;
		for (i = 0; i < b->nvlan; i++) {
			put16(buf + off, b->vlan_tpid[i]);
			put16(buf + off + 2, b->vlan_tci[i]);
			off += 4;
		}
		put16(buf + off, type);
		off += 2;
	}

	lay.l3_off = (uint32_t)off;
	ip = buf + off;
	if (b->family == 4) {
		memset(ip, 0, l3_hdr);
		ip[0] = (uint8_t)(0x40 | b->ihl);
		ip[1] = b->tos;
		put16(ip + 2, (uint16_t)ip_len);
		put16(ip + 4, b->ip_id);
		put16(ip + 6, (uint16_t)((b->dont_frag ? 0x4000 : 0) |
					 (b->more_frags ? 0x2000 : 0) |
					 ((b->frag_off >> 3) & 0x1fff)));
		ip[8] = b->ttl;
		ip[9] = b->proto;
		memcpy(ip + 12, b->saddr, 4);
		memcpy(ip + 16, b->daddr, 4);
		memset(ip + 20, 0x01, l3_hdr - 20);	/* NOP options */
		put16(ip + 10, ipv4_csum(ip, l3_hdr));
		off += l3_hdr;
	} else {
		put32(ip, 0x60000000u | (uint32_t)b->tos << 20 | (b->flow_label & 0xfffff));
		put16(ip + 4, (uint16_t)(ip_len - 40));
		ip[6] = b->next ? b->ext[0].type : b->proto;
		ip[7] = b->ttl;
		memcpy(ip + 8, b->saddr, 16);
		memcpy(ip + 24, b->daddr, 16);
		off += 40;
		for (i = 0; i < b->next; i++) {
			uint8_t next = i + 1 < b->next ? b->ext[i + 1].type : b->proto;

			lay.ext_off[i] = (uint32_t)off;
			write_ext(&b->ext[i], next, buf + off);
			off += ext_len(&b->ext[i]);
		}
	}

	lay.l4_off = (uint32_t)off;
	write_l4(b, buf + off);
	off += l4_hdr_len(b);
	lay.payload_off = (uint32_t)off;
	if (b->payload)
		memcpy(buf + off, b->payload, b->payload_len);
	else
		for (i = 0; i < b->payload_len; i++)
			buf[off + i] = (uint8_t)(i * 7 + 3);
	off += b->payload_len;
	lay.ip_end = (uint32_t)off;
	memset(buf + off, 0xee, b->pad_len);
	off += b->pad_len;
	lay.len = (uint32_t)off;
	if (lay_out)
		*lay_out = lay;
	return off;
}

size_t pkt_builder_vxlan_hdr(uint8_t *p, uint32_t vni)
{
	memset(p, 0, 8);
	p[0] = 0x08;
	put32(p + 4, vni << 8);
	return 8;
}

size_t pkt_builder_geneve_hdr(uint8_t *p, uint16_t proto, uint32_t vni, unsigned int opt_words)
{
	unsigned int left = opt_words & 0x3f, n;
	uint8_t *opt = p + 8;

	memset(p, 0, 8);
	p[0] = (uint8_t)left;
	put16(p + 2, proto);
	put32(p + 4, vni << 8);
	while (left) {
		n = left < 32 ? left : 32;	/* header word + up to 31 data words */
		put16(opt, 0x0102);
		opt[2] = (uint8_t)(0x10 + left);	/* option type */
		opt[3] = (uint8_t)(n - 1);
		memset(opt + 4, 0xa5, 4 * (n - 1));
		opt += 4 * n;
		left -= n;
	}
	return 8 + 4 * (size_t)(opt_words & 0x3f);
}

size_t pkt_builder_build_encap(const struct pkt_builder *outer, const uint8_t *hdr,
			       size_t hdr_len, const struct pkt_builder *inner, uint8_t *buf,
			       size_t cap, struct pkt_builder_encap_layout *lay_out)
{
	struct pkt_builder_encap_layout lay;
	struct pkt_builder o = *outer;
	size_t inner_len, len = 0, i;
	uint8_t *scratch;

	if (hdr_len > cap)
		return 0;
	scratch = malloc(cap);
	if (!scratch)
		return 0;
	memcpy(scratch, hdr, hdr_len);
	inner_len = pkt_builder_build(inner, scratch + hdr_len, cap - hdr_len, &lay.inner);
	if (!inner_len || hdr_len + inner_len > UINT32_MAX)
		goto out;
	o.payload = scratch;
	o.payload_len = (uint32_t)(hdr_len + inner_len);
	len = pkt_builder_build(&o, buf, cap, &lay.outer);
	if (!len)
		goto out;
	lay.tun_off = lay.outer.payload_off;
	lay.inner_off = lay.tun_off + (uint32_t)hdr_len;
	lay.inner.l3_off += lay.inner_off;
	for (i = 0; i < inner->next && i < PKT_BUILDER_MAX_EXT; i++)
		lay.inner.ext_off[i] += lay.inner_off;
	lay.inner.l4_off += lay.inner_off;
	lay.inner.payload_off += lay.inner_off;
	lay.inner.ip_end += lay.inner_off;
	lay.inner.len += lay.inner_off;
	if (lay_out)
		*lay_out = lay;
out:
	free(scratch);
	return len;
}
