// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sightings of segments with a trace context that entered the host at one point and have
 * not left it yet: a fixed array of slots by hash of (flow, sequence), each under its own
 * lock. A newer sighting takes a busy slot (counted): the table never grows and never
 * allocates on the packet path. A sighting older than PKT_MAX_AGE_NS when its exit comes is
 * dropped (counted as unmatched).
 *
 * Partial scans: a header block that did not end in its segment, its scanner state kept
 * under (flow, the next segment's sequence) in a second such table, for that segment.
 */
#include <linux/atomic.h>
#include <linux/jhash.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/vmalloc.h>
#include "pkt.h"

#define PKT_MAX_AGE_NS	(2 * NSEC_PER_SEC)

struct pkt_slot {
	spinlock_t lock;
	bool used;
	struct pkt_sighting s;
};

static struct pkt_slot *slots;
static unsigned int nr_slots;
static atomic_t pending = ATOMIC_INIT(0);

int pkt_pending_init(unsigned int n)
{
	unsigned int i;

	slots = vzalloc(array_size(n, sizeof(*slots)));
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		spin_lock_init(&slots[i].lock);
	nr_slots = n;
	return 0;
}

void pkt_pending_exit(void)
{
	vfree(slots);
	slots = NULL;
}

static struct pkt_slot *slot_of(const struct pkt_key *key)
{
	return &slots[jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 0) % nr_slots];
}

void pkt_pending_add(const struct pkt_sighting *s)
{
	struct pkt_slot *slot = slot_of(&s->key);

	spin_lock_bh(&slot->lock);
	if (slot->used)
		pkt_count(CROSSLAT_STAT_PKT_OVERWRITTEN);
	else
		atomic_inc(&pending);
	slot->used = true;
	slot->s = *s;
	spin_unlock_bh(&slot->lock);
}

bool pkt_pending_take(const struct pkt_key *key, u32 len, u64 now, struct pkt_sighting *s)
{
	struct pkt_slot *slot = slot_of(key);
	bool found = false;

	spin_lock_bh(&slot->lock);
	if (slot->used && !memcmp(&slot->s.key, key, sizeof(*key)) &&
	    slot->s.found_seq - key->seq < len) {
		slot->used = false;
		atomic_dec(&pending);
		if (now - slot->s.ts_ns <= PKT_MAX_AGE_NS) {
			*s = slot->s;
			found = true;
		} else {
			pkt_count(CROSSLAT_STAT_PKT_UNMATCHED);
		}
	}
	spin_unlock_bh(&slot->lock);
	return found;
}

bool pkt_pending_any(void)
{
	return atomic_read(&pending) > 0;
}

u64 pkt_pending_nr(void)
{
	return atomic_read(&pending);
}

struct pkt_partial_slot {
	spinlock_t lock;
	bool used;
	struct pkt_key key;
	u32 start_seq;
	u64 ts_ns;
	struct crosslat_http_ctx_scan scan;
};

static struct pkt_partial_slot *partials;
static atomic_t partial_nr = ATOMIC_INIT(0);

int pkt_partial_init(unsigned int n)
{
	unsigned int i;

	partials = vzalloc(array_size(n, sizeof(*partials)));
	if (!partials)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		spin_lock_init(&partials[i].lock);
	return 0;
}

void pkt_partial_exit(void)
{
	vfree(partials);
	partials = NULL;
}

static struct pkt_partial_slot *partial_of(const struct pkt_key *key)
{
	return &partials[jhash2((const u32 *)key, sizeof(*key) / sizeof(u32), 1) % nr_slots];
}

void pkt_partial_put(const struct pkt_key *next, const struct crosslat_http_ctx_scan *scan,
		     u32 start_seq, u64 now)
{
	struct pkt_partial_slot *slot = partial_of(next);

	spin_lock_bh(&slot->lock);
	if (!slot->used)
		atomic_inc(&partial_nr);
	slot->used = true;
	slot->key = *next;
	slot->start_seq = start_seq;
	slot->ts_ns = now;
	slot->scan = *scan;
	spin_unlock_bh(&slot->lock);
}

bool pkt_partial_take(const struct pkt_key *key, u64 now, struct crosslat_http_ctx_scan *scan,
		      u32 *start_seq)
{
	struct pkt_partial_slot *slot;
	bool found = false;

	if (!atomic_read(&partial_nr))
		return false;
	slot = partial_of(key);
	spin_lock_bh(&slot->lock);
	if (slot->used && !memcmp(&slot->key, key, sizeof(*key))) {
		slot->used = false;
		atomic_dec(&partial_nr);
		if (now - slot->ts_ns <= PKT_MAX_AGE_NS) {
			*scan = slot->scan;
			*start_seq = slot->start_seq;
			found = true;
		}
	}
	spin_unlock_bh(&slot->lock);
	return found;
}
