// SPDX-License-Identifier: GPL-2.0-only
/*
 * Block I/O latency and size from the block tracepoints, per bio: block_bio_queue starts
 * it in the task that submits it; it ends with the completion of the request that carried
 * it (block_rq_complete: on a request-based device the request's completion is the bio's,
 * and the block layer traces it there only), or with block_bio_complete on a bio-based
 * device (device mapper), which completes bios itself.
 *
 * The submitter is the task the I/O is for, but for a kernel thread that submits on a
 * cgroup's behalf (writeback, a loop or dm worker): its bio carries the cgroup's blkcg,
 * which counts then. The start waits in a pending table keyed by the bio (blkio_slots);
 * completions, in interrupt context and on any CPU, take it from there.
 *
 * Times are ktime_get_ns(): the clock of the device timers and of the block layer's own
 * I/O accounting, the same on every CPU (a completion often runs on another one).
 */
#include <linux/bio.h>
#include <linux/blk-cgroup.h>
#include <linux/blk-mq.h>
#include <linux/blk_types.h>
#include <linux/blkdev.h>
#include <linux/cgroup.h>
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include "engine/kernel_tp.h"
#include "metrics.h"

/* Past the SCSI command timeout (30 s): a bio still pending then is given up for lost. */
#define BLOCK_TIMEOUT_NS	(60 * NSEC_PER_SEC)

/* The entry's aux: the bio's size in bytes, and whether it writes. */
#define AUX_WRITE	BIT(31)
#define AUX_SIZE	(AUX_WRITE - 1)

static struct metrics_pending *bios;

/* Under rcu_read_lock(): the entry of the cgroup bio is for, or NULL. */
static struct metrics_cg *bio_cg(struct bio *bio)
{
	struct cgroup_subsys_state *css;

	if (!(current->flags & PF_KTHREAD))
		return metrics_cg_of(current);
	css = bio_blkcg_css(bio);
	return css ? metrics_cg_lookup(cgroup_id(css->cgroup)) : metrics_cg_of(current);
}

static void probe_bio_queue(void *data, struct bio *bio)
{
	struct metrics_pending_entry e;
	struct metrics_cg *cg;
	enum req_op op = bio_op(bio);

	/* data reads and writes: not discards, nor the empty bios of a flush */
	if ((op != REQ_OP_READ && op != REQ_OP_WRITE) || !bio->bi_iter.bi_size)
		return;
	rcu_read_lock();
	cg = bio_cg(bio);
	if (!cg || !(READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_BLKIO)) ||
	    !metrics_sample(cg, CROSSLAT_METRIC_BLKIO))
		goto out;
	e.key = (unsigned long)bio;
	e.cg_id = cg->id;
	e.aux = min_t(u32, bio->bi_iter.bi_size, AUX_SIZE) | (op == REQ_OP_WRITE ? AUX_WRITE : 0);
	e.start_ns = ktime_get_ns();
	/* a bio still in the table had its completion missed: this one replaces it */
	metrics_pending_add(bios, cg, &e, true);
out:
	rcu_read_unlock();
}

static void bio_end(struct bio *bio, u64 now)
{
	struct metrics_pending_entry e;
	struct metrics_cg *cg;

	if (!metrics_pending_take(bios, (unsigned long)bio, &e))
		return;
	rcu_read_lock();
	cg = metrics_cg_lookup(e.cg_id);
	if (cg && (READ_ONCE(cg->mask) & (1u << CROSSLAT_METRIC_BLKIO))) {
		metrics_record(cg, e.aux & AUX_WRITE ? CROSSLAT_METRICS_HIST_BLKIO_WRITE :
			       CROSSLAT_METRICS_HIST_BLKIO_READ,
			       now > e.start_ns ? now - e.start_ns : 0);
		metrics_record(cg, CROSSLAT_METRICS_HIST_BLKIO_BYTES, e.aux & AUX_SIZE);
	}
	rcu_read_unlock();
}

/*
 * nr_bytes of rq complete: its bios in order, as many as they cover whole (a partial
 * completion leaves the rest of a bio for a later call, its size reduced by then).
 */
static void probe_rq_complete(void *data, struct request *rq, blk_status_t error,
			      unsigned int nr_bytes)
{
	u64 now = ktime_get_ns();
	struct bio *bio;

	for (bio = rq->bio; bio && bio->bi_iter.bi_size <= nr_bytes; bio = bio->bi_next) {
		nr_bytes -= bio->bi_iter.bi_size;
		bio_end(bio, now);
	}
}

static void probe_bio_complete(void *data, struct request_queue *q, struct bio *bio)
{
	bio_end(bio, ktime_get_ns());
}

static struct crosslat_kernel_tp block_probes[] = {
	{ "block_bio_queue", probe_bio_queue },
	{ "block_rq_complete", probe_rq_complete },
	{ "block_bio_complete", probe_bio_complete },
};

const unsigned int metrics_block_nr_probes = ARRAY_SIZE(block_probes);

int metrics_block_init(void)
{
	bios = metrics_pending_create(metrics_blkio_slots, BLOCK_TIMEOUT_NS,
				      CROSSLAT_METRIC_BLKIO);
	return PTR_ERR_OR_ZERO(bios);
}

void metrics_block_exit(void)
{
	metrics_pending_destroy(bios);
}

int metrics_block_register(void)
{
	/* bios left from an earlier registration ended unseen */
	metrics_pending_clear(bios);
	return crosslat_kernel_tp_register(block_probes, ARRAY_SIZE(block_probes));
}

void metrics_block_unregister(void)
{
	crosslat_kernel_tp_unregister(block_probes, ARRAY_SIZE(block_probes));
}
