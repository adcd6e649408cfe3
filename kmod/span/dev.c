// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/crosslat_span (uapi: linux/crosslat_span.h): begin and end the span of one of the
 * caller's threads. The first open registers the probes, the last close unregisters them
 * and drops the spans left open.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "span.h"

static DEFINE_MUTEX(span_users_mutex);
static unsigned int span_users;

static int span_open(struct inode *inode, struct file *file)
{
	int err = 0;

	mutex_lock(&span_users_mutex);
	if (!span_users)
		err = span_probes_register();
	if (!err)
		span_users++;
	mutex_unlock(&span_users_mutex);
	return err;
}

static int span_release(struct inode *inode, struct file *file)
{
	mutex_lock(&span_users_mutex);
	if (!--span_users) {
		span_probes_unregister();
		span_abandon_all();
	}
	mutex_unlock(&span_users_mutex);
	return 0;
}

/*
 * The global tid of thread vtid of the caller's process (0: the caller), and whether it is
 * on a CPU or runnable.
 */
static int span_target(u32 vtid, u32 *tid, bool *running)
{
	struct task_struct *t;
	int err = 0;

	if (!vtid) {
		*tid = current->pid;
		*running = true;
		return 0;
	}
	if (vtid > PID_MAX_LIMIT)
		return -ESRCH;
	rcu_read_lock();
	t = pid_task(find_vpid(vtid), PIDTYPE_PID);
	if (!t) {
		err = -ESRCH;
	} else if (!same_thread_group(t, current)) {
		err = -EPERM;
	} else {
		*tid = t->pid;
		*running = task_is_running(t);
	}
	rcu_read_unlock();
	return err;
}

static bool all_zero(const u8 *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

static long span_begin(const void __user *uarg)
{
	struct crosslat_span_begin b;
	bool running;
	u32 tid;
	int err;

	if (copy_from_user(&b, uarg, sizeof(b)))
		return -EFAULT;
	if (b.flags || all_zero(b.trace_id, sizeof(b.trace_id)) ||
	    all_zero(b.span_id, sizeof(b.span_id)) ||
	    !memchr(b.name, 0, sizeof(b.name)) || !memchr(b.service, 0, sizeof(b.service)))
		return -EINVAL;
	err = span_target(b.tid, &tid, &running);
	if (err)
		return err;
	err = span_start(&b, tid, current->tgid, b.tid ? b.tid : task_pid_vnr(current),
			 span_threshold_for(b.service), running);
	if (err) {
		if (err != -EBUSY)
			span_count(CROSSLAT_STAT_SPAN_REFUSED);
		return err;
	}
	span_count(CROSSLAT_STAT_SPAN_BEGUN);
	return 0;
}

static long span_end(void __user *uarg)
{
	struct crosslat_span_end e;
	struct span_thread *st;
	unsigned long flags;
	bool running;
	u64 now;
	u32 tid;
	int err;

	if (copy_from_user(&e, uarg, sizeof(e)))
		return -EFAULT;
	if (e.status > CROSSLAT_SPAN_STATUS_ERROR)
		return -EINVAL;
	err = span_target(e.tid, &tid, &running);
	if (err)
		return err;

	/* Under RCU to the end: the thread may exit and its entry go meanwhile. */
	rcu_read_lock();
	st = span_lookup(tid);
	if (!st) {
		rcu_read_unlock();
		return -ENOENT;
	}
	raw_spin_lock_irqsave(&st->lock, flags);
	if (st->phase != SPAN_ACTIVE || memcmp(st->id.span_id, e.span_id, sizeof(e.span_id))) {
		raw_spin_unlock_irqrestore(&st->lock, flags);
		rcu_read_unlock();
		return -ENOENT;
	}
	now = ktime_get_ns();
	span_account_close(st, now, tid == current->pid);
	span_stop(st);
	raw_spin_unlock_irqrestore(&st->lock, flags);

	/* ENDING: the span's fields are ours until span_idle() */
	e.duration_ns = now - st->start_ns;
	e.threshold_ns = st->threshold_ns;
	e.annotated = e.duration_ns > st->threshold_ns;
	e.syscalls = st->syscalls;
	if (e.annotated) {
		span_annotate(st, now, e.status);
		span_count(CROSSLAT_STAT_SPAN_ANNOTATED);
	} else {
		span_count(CROSSLAT_STAT_SPAN_UNDER_THRESHOLD);
	}
	span_idle(st);
	rcu_read_unlock();
	span_count(CROSSLAT_STAT_SPAN_ENDED);
	return copy_to_user(uarg, &e, sizeof(e)) ? -EFAULT : 0;
}

static long span_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case CROSSLAT_SPAN_IOC_BEGIN:
		return span_begin((const void __user *)arg);
	case CROSSLAT_SPAN_IOC_END:
		return span_end((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations span_fops = {
	.owner = THIS_MODULE,
	.open = span_open,
	.release = span_release,
	.unlocked_ioctl = span_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice span_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "crosslat_span",
	.fops = &span_fops,
	.mode = 0666,
};

int span_dev_init(void)
{
	return misc_register(&span_miscdev);
}

void span_dev_exit(void)
{
	misc_deregister(&span_miscdev);
}
