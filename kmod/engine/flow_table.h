/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Bounded per-flow tables keyed by (netns cookie, local/remote address and port, protocol),
 * the state store every crosslat tracker uses. Lookups are RCU-safe from softirq context;
 * creation is capped (max_entries) and counted when refused; entries come from a slab
 * cache of their exact size; idle and least-recently-seen entries are evicted by deferrable
 * work and freed after an RCU grace period.
 */
#ifndef _CROSSLAT_FLOW_TABLE_H
#define _CROSSLAT_FLOW_TABLE_H

#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Oriented from the local host: egress packets use (saddr, sport) as the local side. */
struct crosslat_flow_key {
	u64 netns;		/* net->net_cookie of the namespace the packet was seen in */
	u8 laddr[16];		/* IPv4 in the first 4 bytes, rest zero */
	u8 raddr[16];
	__be16 lport;
	__be16 rport;
	u8 family;		/* 4 or 6 */
	u8 proto;		/* IPPROTO_* */
	u16 tag;		/* tracker-defined part of the key, 0 if unused */
};

struct crosslat_flow {
	struct rhash_head node;
	struct crosslat_flow_key key;
	spinlock_t lock;	/* serialises updates of data[] */
	u64 created_ns;
	u64 last_seen_ns;	/* READ_ONCE/WRITE_ONCE: touched without the lock */
	bool done;		/* set by crosslat_flow_set_done(): shorter idle timeout */
	struct rcu_head rcu;
	struct kmem_cache *cache;	/* the table's entry cache, for the RCU free */
	u8 data[] __aligned(8);	/* value_size bytes of tracker state, zeroed at creation */
};

struct crosslat_flow_table;

/*
 * on_evict: called once for every entry leaving the table (idle, LRU, destroy), with the
 * entry still readable and no table lock held, from process context (the GC work or destroy).
 */
struct crosslat_flow_table_params {
	const char *name;	/* names the entry cache: /sys/kernel/slab/crosslat_flow_<name> */
	size_t value_size;
	u32 max_entries;
	u64 idle_timeout_ns;	/* 0: never idle-evicted */
	u64 done_timeout_ns;	/* idle timeout of entries marked done (0: idle_timeout_ns) */
	unsigned int gc_interval_ms;	/* 0: no periodic GC (crosslat_flow_table_gc() by hand) */
	void (*on_evict)(struct crosslat_flow_table *t, struct crosslat_flow *f, void *priv);
	void *priv;
};

/* Counters of one table; snapshot with crosslat_flow_table_stats(). */
struct crosslat_flow_table_stats {
	u64 entries;
	u64 inserted;
	u64 full_drops;		/* creations refused (one per call): table at max_entries */
	u64 alloc_fails;	/* creation refused: GFP_ATOMIC allocation failed */
	u64 insert_races;	/* another CPU created the same flow first */
	u64 evicted_idle;
	u64 evicted_lru;
};

/* Returns a table or an ERR_PTR. */
struct crosslat_flow_table *crosslat_flow_table_create(const struct crosslat_flow_table_params *p);
/* Stops GC, evicts every entry (on_evict) and frees the table after an RCU grace period. */
void crosslat_flow_table_destroy(struct crosslat_flow_table *t);

/* Caller holds rcu_read_lock(); the result stays valid until it drops it. */
struct crosslat_flow *crosslat_flow_lookup(struct crosslat_flow_table *t,
					   const struct crosslat_flow_key *key);
/*
 * Caller holds rcu_read_lock(). Returns the existing flow or a new zeroed one (created_ns and
 * last_seen_ns = now), or NULL when the table is full or memory is short (both counted).
 * Never sleeps; safe in softirq context.
 */
struct crosslat_flow *crosslat_flow_lookup_or_create(struct crosslat_flow_table *t,
						     const struct crosslat_flow_key *key, u64 now);

/*
 * Marks f finished (a closed connection): from now on it is evicted once idle for
 * done_timeout_ns instead of idle_timeout_ns. Any context.
 */
static inline void crosslat_flow_set_done(struct crosslat_flow *f)
{
	if (!READ_ONCE(f->done))
		WRITE_ONCE(f->done, true);
}

/*
 * Evicts entries idle for longer than their timeout (idle or done), then, while the table holds more than
 * 7/8 of max_entries, the least recently seen ones until it holds 3/4. Process context.
 * Returns the number of entries evicted.
 */
unsigned int crosslat_flow_table_gc(struct crosslat_flow_table *t, u64 now);

void crosslat_flow_table_stats(struct crosslat_flow_table *t,
			       struct crosslat_flow_table_stats *st);

/*
 * One table counter, in the order every tracker lists its table's counters in enum
 * crosslat_stat (CROSSLAT_STAT_RTT_FLOWS.., CROSSLAT_STAT_MAP_ENTRIES..), so a tracker reads
 * its stat S as crosslat_flow_table_stat(t, S - its first table counter).
 */
enum crosslat_flow_table_stat {
	CROSSLAT_FT_ENTRIES,
	CROSSLAT_FT_CREATED,
	CROSSLAT_FT_FULL_DROPS,
	CROSSLAT_FT_ALLOC_FAILS,
	CROSSLAT_FT_EVICTED_IDLE,
	CROSSLAT_FT_EVICTED_LRU,
	CROSSLAT_FT_NR_STATS
};
u64 crosslat_flow_table_stat(struct crosslat_flow_table *t, enum crosslat_flow_table_stat i);

/*
 * Iteration that may stop and resume, for netlink dumps (process context). Every entry
 * present from init to the end is returned at least once; entries added or removed meanwhile
 * may or may not be. An entry may come twice: after a table resize, or when the entry the
 * walk stopped at left the table before it resumed (its bucket is walked again).
 *
 *	crosslat_flow_iter_init(t, &it);		(once; e.g. in a dump's start)
 *	crosslat_flow_iter_begin(&it);			(enters an RCU read-side section)
 *	while ((f = crosslat_flow_iter_next(&it))) {
 *		if (!room_for(f)) {
 *			crosslat_flow_iter_keep(&it);	(next call returns f again)
 *			break;
 *		}
 *		...
 *	}
 *	crosslat_flow_iter_end(&it);			(leaves it; may sleep after this)
 *	crosslat_flow_iter_exit(&it);			(once; e.g. in a dump's done)
 */
struct crosslat_flow_iter {
	struct rhashtable_iter it;
	bool keep;
};

void crosslat_flow_iter_init(struct crosslat_flow_table *t, struct crosslat_flow_iter *it);
void crosslat_flow_iter_begin(struct crosslat_flow_iter *it);
struct crosslat_flow *crosslat_flow_iter_next(struct crosslat_flow_iter *it);
void crosslat_flow_iter_keep(struct crosslat_flow_iter *it);
void crosslat_flow_iter_end(struct crosslat_flow_iter *it);
void crosslat_flow_iter_exit(struct crosslat_flow_iter *it);

/*
 * Calls fn for every entry (process context; fn runs inside an RCU read-side section and
 * must not sleep; the walk reschedules between batches). Returns the number of entries
 * visited.
 */
unsigned int crosslat_flow_table_for_each(struct crosslat_flow_table *t,
					  void (*fn)(struct crosslat_flow *f, void *arg),
					  void *arg);

#endif /* _CROSSLAT_FLOW_TABLE_H */
