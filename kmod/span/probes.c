// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probes that account a thread's time and system calls to its span: raw_syscalls
 * sys_enter/sys_exit, sched_switch, sched_wakeup and sched_process_exit. They are
 * registered while /dev/crosslat_span is open (a process that opens spans keeps it open),
 * so a machine where nobody uses spans pays nothing, not even the syscall tracepoints'
 * slow path.
 *
 * A thread in no span leaves every probe but the exit's at its first check, one load from
 * the hint array (span_hint_test); then an RCU lookup by tid, then the span's lock. Nothing
 * is allocated:
 * the span holds its records and two stack buffers, the one of the block in progress and
 * the one of the longest block so far.
 */
#include <linux/ktime.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#ifdef CONFIG_X86
#include <asm/unwind.h>
#endif
#include "engine/kernel_tp.h"
#include "span.h"

/*
 * The entry of tid if it is in a span, or NULL (a thread that only shares a hint slot with
 * one: counted). The phase is checked again under the entry's lock.
 */
static struct span_thread *span_find(u32 tid)
{
	struct span_thread *st = span_lookup(tid);

	if (unlikely(!st || READ_ONCE(st->phase) != SPAN_ACTIVE)) {
		span_count(CROSSLAT_STAT_SPAN_HINT_MISSES);
		return NULL;
	}
	return st;
}

static void span_sys_enter(void *data, struct pt_regs *regs, long id)
{
	unsigned long flags, args[6];
	struct span_thread *st;

	if (likely(!span_hint_test(current->pid)))
		return;
	rcu_read_lock();
	st = span_find(current->pid);
	if (st) {
		syscall_get_arguments(current, regs, args);
		raw_spin_lock_irqsave(&st->lock, flags);
		if (st->phase == SPAN_ACTIVE) {
			st->cur_nr = id;
			st->cur_arg = args[0];
			st->cur_start_ns = ktime_get_ns();
			st->cur_offcpu_ns = st->blocked_ns + st->runq_ns;
		}
		raw_spin_unlock_irqrestore(&st->lock, flags);
	}
	rcu_read_unlock();
}

/*
 * Keeps the SPAN_RECORDS longest calls of the span: once full, a call shorter than the
 * shortest kept costs one comparison.
 */
static void span_record(struct span_thread *st, const struct span_syscall *sc)
{
	unsigned int i;

	if (st->n_rec < SPAN_RECORDS) {
		st->rec[st->n_rec++] = *sc;
		if (st->n_rec < SPAN_RECORDS)
			return;
	} else {
		st->unrecorded++;
		span_count(CROSSLAT_STAT_SPAN_SYSCALLS_UNRECORDED);
		if (sc->duration_ns <= st->rec[st->rec_min].duration_ns)
			return;
		st->rec[st->rec_min] = *sc;
	}
	st->rec_min = 0;
	for (i = 1; i < SPAN_RECORDS; i++)
		if (st->rec[i].duration_ns < st->rec[st->rec_min].duration_ns)
			st->rec_min = i;
}

/*
 * The user stack of current, from its saved user registers: the instruction pointer, then
 * the frame-pointer chain. The call usually sits in a libc wrapper built without frame
 * pointers: the frame register still holds the caller's frame, so the walk would skip the
 * program's function that made the call. When the instruction pointer is outside the
 * program's own text, the stack between the stack pointer and that frame is scanned for
 * the first return address into the program's text, which names that function. Never
 * faults: a page that is not present ends the walk.
 */
static unsigned int span_user_stack(u64 *ips, unsigned int max)
{
	struct pt_regs *regs = task_pt_regs(current);
	struct mm_struct *mm = current->mm;
	unsigned long fp, sp, frame[2], word;
	unsigned int n = 0, i;

	if (!mm || (current->flags & PF_KTHREAD))
		return 0;
	ips[n++] = instruction_pointer(regs);
	fp = frame_pointer(regs);
	sp = user_stack_pointer(regs);
	if (ips[0] < mm->start_code || ips[0] >= mm->end_code) {
		for (i = 0; i < 64 && (!fp || sp < fp); i++, sp += sizeof(long)) {
			if (copy_from_user_nofault(&word, (void __user *)sp, sizeof(word)))
				break;
			if (word >= mm->start_code && word < mm->end_code) {
				ips[n++] = word;
				break;
			}
		}
	}
	while (n < max && fp && IS_ALIGNED(fp, sizeof(long))) {
		if (copy_from_user_nofault(frame, (void __user *)fp, sizeof(frame)) || !frame[1])
			break;
		ips[n++] = frame[1];
		if (frame[0] <= fp)
			break;	/* callers' frames are above */
		fp = frame[0];
	}
	return n;
}

static void span_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct span_syscall sc;
	struct span_thread *st;
	unsigned long flags;

	if (likely(!span_hint_test(current->pid)))
		return;
	rcu_read_lock();
	st = span_find(current->pid);
	if (st) {
		raw_spin_lock_irqsave(&st->lock, flags);
		/* The exit of the ioctl that began the span has no entry: skipped. */
		if (st->phase == SPAN_ACTIVE && st->cur_nr >= 0) {
			sc.start_ns = st->cur_start_ns;
			sc.duration_ns = ktime_get_ns() - sc.start_ns;
			sc.offcpu_ns = st->blocked_ns + st->runq_ns - st->cur_offcpu_ns;
			sc.arg = st->cur_arg;
			sc.ret = ret;
			sc.nr = st->cur_nr;
			if (st->need_user && st->longest.syscall_nr == st->cur_nr) {
				/* the user registers are still those of the call's entry */
				st->longest.n_user = span_user_stack(st->longest.user,
								     SPAN_STACK_DEPTH);
				st->need_user = false;
			}
			st->syscalls++;
			st->syscall_ns += sc.duration_ns;
			span_count(CROSSLAT_STAT_SPAN_SYSCALLS);
			if (span_syscall_recorded(sc.nr))
				span_record(st, &sc);
			st->cur_nr = -1;
		}
		raw_spin_unlock_irqrestore(&st->lock, flags);
	}
	rcu_read_unlock();
}

/* The kernel stack of p, a thread that is not running (it blocked, it is being woken). */
static unsigned int span_kernel_stack(struct task_struct *p, u64 *ips, unsigned int max)
{
#ifdef CONFIG_X86
	struct unwind_state state;
	unsigned long addr;
	unsigned int n = 0;

	for (unwind_start(&state, p, NULL, NULL); n < max && !unwind_done(&state);
	     unwind_next_frame(&state)) {
		addr = unwind_get_return_address(&state);
		if (!addr)
			break;
		ips[n++] = addr;
	}
	return n;
#else
	return 0;	/* stack_trace_save_tsk() is not exported to modules before 6.4 */
#endif
}

/*
 * The block of p that began at block_start_ns ends at now. If it is the longest so far,
 * its kernel stack is taken now, its user stack at its call's exit.
 */
static void span_block_end(struct span_thread *st, struct task_struct *p, u64 now)
{
	struct span_stack *s = &st->longest;
	u64 d = now - st->block_start_ns;

	st->blocked_ns += d;
	if (st->has_longest && d <= s->blocked_ns)
		return;
	s->start_ns = st->block_start_ns;
	s->blocked_ns = d;
	s->syscall_nr = st->block_nr;
	s->n_kernel = span_kernel_stack(p, s->kernel, SPAN_STACK_DEPTH);
	s->n_user = 0;
	st->has_longest = true;
	st->need_user = st->block_nr >= 0;
}

static void span_switch_out(u32 tid, bool preempted, u64 now)
{
	struct span_thread *st;
	unsigned long flags;

	st = span_find(tid);
	if (!st)
		return;
	raw_spin_lock_irqsave(&st->lock, flags);
	if (st->phase != SPAN_ACTIVE)
		goto out;
	if (st->state == SPAN_RUNNING)
		st->oncpu_ns += now - st->last_ns;
	if (preempted) {
		st->state = SPAN_RUNNABLE;
		st->preempted = true;
		st->preemptions++;
	} else {
		st->state = SPAN_BLOCKED;
		st->blocks++;
		st->block_start_ns = now;
		st->block_nr = st->cur_nr;
	}
	st->last_ns = now;
out:
	raw_spin_unlock_irqrestore(&st->lock, flags);
}

static void span_switch_in(struct task_struct *p, u64 now)
{
	struct span_thread *st;
	unsigned long flags;

	st = span_find(p->pid);
	if (!st)
		return;
	raw_spin_lock_irqsave(&st->lock, flags);
	if (st->phase != SPAN_ACTIVE)
		goto out;
	if (st->state == SPAN_RUNNABLE) {
		st->runq_ns += now - st->last_ns;
		if (st->preempted)
			st->preempt_ns += now - st->last_ns;
	} else if (st->state == SPAN_BLOCKED) {
		/* its wakeup was not seen (it blocked before the span began, on another thread) */
		span_block_end(st, p, now);
	}
	st->state = SPAN_RUNNING;
	st->preempted = false;
	st->last_ns = now;
out:
	raw_spin_unlock_irqrestore(&st->lock, flags);
}

static void span_sched_switch(void *data, bool preempt, struct task_struct *prev,
			      struct task_struct *next, unsigned int prev_state)
{
	bool out = span_hint_test(prev->pid), in = span_hint_test(next->pid);
	u64 now;

	if (likely(!out && !in))
		return;
	now = ktime_get_ns();
	rcu_read_lock();
	if (out)
		span_switch_out(prev->pid, preempt || prev_state == TASK_RUNNING, now);
	if (in)
		span_switch_in(next, now);
	rcu_read_unlock();
}

static void span_sched_wakeup(void *data, struct task_struct *p)
{
	struct span_thread *st;
	unsigned long flags;
	u64 now;

	if (likely(!span_hint_test(p->pid)))
		return;
	rcu_read_lock();
	st = span_find(p->pid);
	if (st) {
		raw_spin_lock_irqsave(&st->lock, flags);
		if (st->phase == SPAN_ACTIVE && st->state == SPAN_BLOCKED) {
			now = ktime_get_ns();
			span_block_end(st, p, now);
			st->state = SPAN_RUNNABLE;
			st->preempted = false;
			st->wakeups++;
			st->last_ns = now;
		}
		raw_spin_unlock_irqrestore(&st->lock, flags);
	}
	rcu_read_unlock();
}

/*
 * A thread's exit takes its entry out, whether it is in a span (counted as abandoned) or
 * between spans; no first check, as the hint counts only threads in a span.
 */
static void span_process_exit(void *data, struct task_struct *p)
{
	struct span_thread *st;

	rcu_read_lock();
	st = span_lookup(p->pid);
	if (st)
		span_thread_exit(st);
	rcu_read_unlock();
}

void span_account_close(struct span_thread *st, u64 now, bool caller_is_thread)
{
	u64 d = now - st->last_ns;

	if (caller_is_thread || st->state == SPAN_RUNNING) {
		st->oncpu_ns += d;
		if (caller_is_thread && st->need_user && st->longest.syscall_nr == st->cur_nr) {
			/* the block was in this very call (the END ioctl): its stack is ours */
			st->longest.n_user = span_user_stack(st->longest.user, SPAN_STACK_DEPTH);
			st->need_user = false;
		}
	} else if (st->state == SPAN_RUNNABLE) {
		st->runq_ns += d;
		if (st->preempted)
			st->preempt_ns += d;
	} else {
		/* ended by another thread while it sleeps: the block so far, no stack */
		st->blocked_ns += d;
	}
	st->last_ns = now;
}

static struct crosslat_kernel_tp span_probes[] = {
	{ "sys_enter", span_sys_enter },
	{ "sys_exit", span_sys_exit },
	{ "sched_switch", span_sched_switch },
	{ "sched_wakeup", span_sched_wakeup },
	{ "sched_process_exit", span_process_exit },
};

static DEFINE_MUTEX(span_probes_mutex);
static bool span_registered;

bool span_probes_registered(void)
{
	return READ_ONCE(span_registered);
}

int span_probes_register(void)
{
	int err = 0;

	mutex_lock(&span_probes_mutex);
	if (!span_registered) {
		err = crosslat_kernel_tp_register(span_probes, ARRAY_SIZE(span_probes));
		if (!err)
			WRITE_ONCE(span_registered, true);
	}
	mutex_unlock(&span_probes_mutex);
	return err;
}

/* Returns once no probe runs any more. */
void span_probes_unregister(void)
{
	mutex_lock(&span_probes_mutex);
	if (span_registered) {
		crosslat_kernel_tp_unregister(span_probes, ARRAY_SIZE(span_probes));
		WRITE_ONCE(span_registered, false);
	}
	mutex_unlock(&span_probes_mutex);
}
