// SPDX-License-Identifier: GPL-2.0-only
/* A fake "crosslat" generic netlink family, preloaded into crosslatctl by test_cli.sh. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/crosslat.h>

#define FAMILY_ID	0x1c

/* The client's end of the socket pair standing in for the netlink socket, and ours. */
static int fake_fd = -1, peer = -1;

struct end {
	const char *addr;
	int port;		/* -1: no ports */
};

struct mapping {
	uint64_t cookie;
	uint32_t inum;
	uint8_t dir, tunnel, inner_proto, outer_proto;
	uint32_t vni;
	struct end isrc, idst, osrc, odst;
	double age_s, idle_s;
	uint64_t packets, bytes;
	uint8_t nat;			/* NAT mappings: CROSSLAT_MAP_NAT_* */
	uint32_t pod_inum;		/* 0: no pod */
	uint32_t pod_pid;		/* 0: no process */
	const char *pod_comm;
};

#define ENCAP	CROSSLAT_MAP_DIR_ENCAP
#define DECAP	CROSSLAT_MAP_DIR_DECAP
#define VXLAN	CROSSLAT_MAP_TUNNEL_VXLAN
#define GENEVE	CROSSLAT_MAP_TUNNEL_GENEVE
#define IPIP	CROSSLAT_MAP_TUNNEL_IPIP
#define NAT	CROSSLAT_MAP_DIR_NAT
#define NS1	1, 4026531840u
#define NS2	2, 4026532000u

static const struct mapping maps[] = {
	{ NS1, ENCAP, VXLAN, 6, 17, 42, { "10.244.1.2", 40000 }, { "10.244.2.3", 8080 },
	  { "192.168.100.1", 51234 }, { "192.168.100.2", 4789 }, 65, 2, 10, 15000,
	  0, 4026532100u, 812, "curl" },
	{ NS1, DECAP, VXLAN, 6, 17, 42, { "10.244.2.3", 8080 }, { "10.244.1.2", 40000 },
	  { "192.168.100.2", 39999 }, { "192.168.100.1", 4789 }, 64, 3, 8, 9000,
	  0, 4026532100u, 0, NULL },
	/* a VIP's DNAT: original to the VIP, reply from the backend */
	{ NS1, NAT, 0, 6, 6, 0, { "10.244.1.2", 40001 }, { "10.96.0.10", 80 },
	  { "10.244.2.3", 8080 }, { "10.244.1.2", 40001 }, 5, 2.5, 12, 2400,
	  CROSSLAT_MAP_NAT_DST, 4026532100u, 813, "wget" },
	{ NS1, ENCAP, GENEVE, 17, 17, 7, { "fd00::1", 5353 }, { "fd00::2", 53 },
	  { "2001:db8::1", 12345 }, { "2001:db8::2", 6081 }, 10, 1, 3, 450 },
	{ NS1, ENCAP, IPIP, 1, 4, 0, { "10.244.1.2", -1 }, { "10.244.3.4", -1 },
	  { "192.168.100.1", -1 }, { "192.168.100.3", -1 }, 3700, 120, 100, 8400000 },
	{ NS2, DECAP, IPIP, 6, 41, 0, { "fd00::1", 80 }, { "fd00::2", 5000 },
	  { "192.168.100.3", -1 }, { "192.168.100.1", -1 }, 90000, 1.5, 7, 1234 },
};

/* maps[0] again, as an older snapshot with another outer source port. */
static const struct mapping older0 = {
	NS1, ENCAP, VXLAN, 6, 17, 42, { "10.244.1.2", 40000 }, { "10.244.2.3", 8080 },
	{ "192.168.100.1", 50000 }, { "192.168.100.2", 4789 }, 65, 30, 5, 7500,
};

/* CLOCK_MONOTONIC s seconds ago, or 0 on a machine up for less (a fresh guest). */
static uint64_t ago(double s)
{
	struct timespec ts;
	uint64_t now, ns = s * 1e9;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return now > ns ? now - ns : 0;
}

static void put_tuple(struct nlmsghdr *nlh, uint16_t type, uint8_t proto,
		      const struct end *src, const struct end *dst)
{
	int family = strchr(src->addr, ':') ? AF_INET6 : AF_INET;
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	uint8_t s[16], d[16];

	inet_pton(family, src->addr, s);
	inet_pton(family, dst->addr, d);
	mnl_attr_put_u8(nlh, CROSSLAT_TUPLE_A_FAMILY, family);
	mnl_attr_put_u8(nlh, CROSSLAT_TUPLE_A_PROTO, proto);
	mnl_attr_put(nlh, CROSSLAT_TUPLE_A_SADDR, family == AF_INET ? 4 : 16, s);
	mnl_attr_put(nlh, CROSSLAT_TUPLE_A_DADDR, family == AF_INET ? 4 : 16, d);
	if (src->port >= 0) {
		mnl_attr_put_u16(nlh, CROSSLAT_TUPLE_A_SPORT, src->port);
		mnl_attr_put_u16(nlh, CROSSLAT_TUPLE_A_DPORT, dst->port);
	}
	mnl_attr_nest_end(nlh, nest);
}

static struct nlmsghdr *put_header(char *at, uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(at);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

static struct nlmsghdr *put_genl(char *at, uint16_t type, uint16_t flags, uint32_t seq,
				 uint8_t cmd)
{
	struct nlmsghdr *nlh = put_header(at, type, flags, seq);
	struct genlmsghdr *genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));

	genl->cmd = cmd;
	genl->version = CROSSLAT_GENL_VERSION;
	return nlh;
}

/* m as a dump message at at (without its VNI when broken); returns its aligned length. */
static size_t put_map(char *at, uint32_t seq, uint16_t flags, const struct mapping *m,
		      bool broken)
{
	struct nlmsghdr *nlh = put_genl(at, FAMILY_ID, NLM_F_MULTI | flags, seq,
					CROSSLAT_CMD_MAP_GET);
	struct nlattr *nest = mnl_attr_nest_start(nlh, CROSSLAT_A_MAP);

	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_NETNS_COOKIE, m->cookie);
	mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_NETNS_INUM, m->inum);
	mnl_attr_put_u8(nlh, CROSSLAT_MAP_A_DIR, m->dir);
	mnl_attr_put_u8(nlh, CROSSLAT_MAP_A_TUNNEL, m->tunnel);
	if (m->dir == NAT)
		mnl_attr_put_u8(nlh, CROSSLAT_MAP_A_NAT, m->nat);
	else if (m->tunnel != IPIP && !broken)
		mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_VNI, m->vni);
	if (m->pod_inum) {
		mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_POD_NETNS_COOKIE, 100);
		mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_POD_NETNS_INUM, m->pod_inum);
		mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_POD_CGROUP_ID, 987654321);
	}
	if (m->pod_pid) {
		mnl_attr_put_u32(nlh, CROSSLAT_MAP_A_POD_PID, m->pod_pid);
		mnl_attr_put_strz(nlh, CROSSLAT_MAP_A_POD_COMM, m->pod_comm);
	}
	put_tuple(nlh, CROSSLAT_MAP_A_INNER, m->inner_proto, &m->isrc, &m->idst);
	put_tuple(nlh, CROSSLAT_MAP_A_OUTER, m->outer_proto, &m->osrc, &m->odst);
	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_FIRST_NS, ago(m->age_s));
	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_LAST_NS, ago(m->idle_s));
	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_PACKETS, m->packets);
	mnl_attr_put_u64(nlh, CROSSLAT_MAP_A_BYTES, m->bytes);
	mnl_attr_nest_end(nlh, nest);
	return MNL_ALIGN(nlh->nlmsg_len);
}

static size_t put_error(char *at, uint32_t seq, int error, const struct nlmsghdr *req)
{
	struct nlmsghdr *nlh = put_header(at, NLMSG_ERROR, NLM_F_CAPPED, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg = *req;
	return MNL_ALIGN(nlh->nlmsg_len);
}

static size_t put_done(char *at, uint32_t seq, uint16_t flags)
{
	struct nlmsghdr *nlh = put_header(at, NLMSG_DONE, NLM_F_MULTI | flags, seq);
	int status = 0;

	memcpy(mnl_nlmsg_put_extra_header(nlh, sizeof(int)), &status, sizeof(int));
	return MNL_ALIGN(nlh->nlmsg_len);
}

/* Plays the kernel for the request req: its replies go to the client's socket. */
static void answer(const struct nlmsghdr *req)
{
	static _Alignas(8) char out[16384];
	const char *scenario = getenv("CROSSLAT_FAKE_MAP");
	const struct genlmsghdr *genl = mnl_nlmsg_get_payload(req);
	uint32_t seq = req->nlmsg_seq;
	uint16_t intr = 0;
	size_t n = 0, i;

	scenario = scenario ? scenario : "";
	if (req->nlmsg_type == GENL_ID_CTRL) {
		struct nlmsghdr *nlh = put_genl(out, GENL_ID_CTRL, 0, seq, CTRL_CMD_NEWFAMILY);

		mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, CROSSLAT_GENL_NAME);
		mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY_ID);
		n = MNL_ALIGN(nlh->nlmsg_len);
		n += put_error(out + n, seq, 0, req);
	} else if (genl->cmd != CROSSLAT_CMD_MAP_GET || !strcmp(scenario, "eopnotsupp")) {
		n = put_error(out, seq, -EOPNOTSUPP, req);
	} else if (!strcmp(scenario, "bad")) {
		n = put_map(out, seq, 0, &maps[0], true);
		n += put_done(out + n, seq, 0);
	} else {
		if (!strcmp(scenario, "intr"))
			intr = NLM_F_DUMP_INTR;
		for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
			n += put_map(out + n, seq, intr, &maps[i], false);
			if (i == 1) {
				send(peer, out, n, 0);
				n = 0;
			}
		}
		n += put_map(out + n, seq, intr, &older0, false);
		n += put_done(out + n, seq, intr);
	}
	send(peer, out, n, 0);
}

/* real: the libc function name stands in for. */
#define REAL(name) \
	static __typeof__(name) *real; \
	if (!real) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

int socket(int domain, int type, int protocol)
{
	int sv[2];

	if (domain != AF_NETLINK || protocol != NETLINK_GENERIC) {
		REAL(socket);
		return real(domain, type, protocol);
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -1;
	fake_fd = sv[0];
	peer = sv[1];
	return fake_fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	REAL(bind);
	return fd >= 0 && fd == fake_fd ? 0 : real(fd, addr, len);
}

int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK, .nl_pid = getpid() };
	REAL(getsockname);

	if (fd < 0 || fd != fake_fd)
		return real(fd, addr, len);
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	REAL(setsockopt);
	return fd >= 0 && fd == fake_fd ? 0 : real(fd, level, name, val, len);
}

ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	REAL(send);
	if (fd < 0 || fd != fake_fd || len < NLMSG_HDRLEN + GENL_HDRLEN)
		return real(fd, buf, len, flags);
	answer(buf);
	return len;
}
