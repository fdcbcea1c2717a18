// SPDX-License-Identifier: GPL-2.0
/*
 * mshv_bench: guest-memory mapping costs, run inside the rig by "make bench".
 *
 * For 1 GiB of guest memory backed by 4 KiB pages and by 2 MiB folios it
 * prints the hypercalls MSHV_SET_GUEST_MEMORY issued (from hvsim's
 * counters), the bytes of region metadata the driver keeps (from its
 * debugfs), and the time of the map and unmap ioctls next to the time of
 * bare long-term pinning of the same memory in the same boot (io_uring
 * fixed-buffer registration, which pins with FOLL_LONGTERM and nothing
 * else).  Absolute times in the rig include KASAN and lockdep; compare the
 * ratios.
 *
 * Then the round trip of an intercept: MSHV_RUN_VP on a guest looping on
 * "out 0x80, al" in real mode (the VMM advances RIP through the register
 * page on every exit, as a VMM does), next to a null ioctl on the same VP
 * fd (an unknown number: ENOTTY), median and mean per call.
 *
 * Last, two latencies with a 32-bit protected-mode guest (flat GDT, an IDT
 * with two interrupt gates) whose main loop is "mov dword [IDLE], 1; sti;
 * hlt; jmp" and whose local APIC it software-enables itself.  Each sample
 * waits until the previous one completed, the guest wrote IDLE again and
 * LAT_SETTLE_US passed, so the VP is halted and the vCPU thread blocked in
 * MSHV_RUN_VP when a sample starts.
 *
 * eventfd write -> guest interrupt: an irqfd on a fixed, edge-triggered
 * MSI route to vector LAT_IRQ_VECTOR, whose handler is "out LAT_PORT_IRQ;
 * EOI; iret".  From before write() on the eventfd to the vCPU thread seeing
 * MSHV_RUN_VP return that OUT.
 *
 * doorbell -> eventfd: an ioeventfd (4 bytes, no datamatch) on an unmapped
 * GPA.  An irqfd on vector LAT_DB_VECTOR requests a sample; its handler is
 * "out LAT_PORT_DB; mov dword [doorbell], 1; EOI; iret".  From the vCPU
 * thread seeing MSHV_RUN_VP return that OUT (it then re-enters) to a
 * thread blocked in read() on the ioeventfd's eventfd returning.
 *
 * In the rig each interval holds one SynIC interrupt of the root, which
 * hvsim raises through a host pipe and SIGIO (hvsim_synic.c): the intercept
 * notification or the root scheduler's signal, and the doorbell's event.
 *
 * With --run-only only the parts that run guests run (make bench runs them
 * once more under hvsim's root scheduler).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/mshv.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define GIB		(1024ULL * 1024 * 1024)
#define SZ_2M		(2ULL << 20)
#define ROUNDS		3

/* RUN_VP benchmark: iterations and warm-up runs. */
#define NULL_ITERS	20000
#define RUN_ITERS	5000
#define RUN_WARMUP	100
/* An ioctl number the VP fd does not know. */
#define NULL_IOCTL	_IO(MSHV_IOCTL, 0x7f)

/* Hypervisor layouts (hv-abi.md): the uapi passes them as raw bytes. */
#define HVMSG_X64_IO_PORT_INTERCEPT	0x80010000u
#define MSG_TYPE_OFF		0	/* u32 message type */
#define MSG_INSN_LEN_OFF	20	/* payload @16 + header.instruction_length_cr8 @4 */
#define MSG_RIP_OFF		40	/* payload @16 + header.rip @24 */
#define MSG_PORT_OFF		56	/* payload @16 + port_number @40 */
#define REGPAGE_DIRTY_OFF	4	/* u32 dirty */
#define REGPAGE_RIP_OFF		136	/* u64 rip */
#define REGPAGE_DIRTY_RIP	0x2u	/* INSTRUCTION_POINTER class */

/* The reset vector: CS base 0xFFFF0000, IP 0xFFF0, in the last guest page. */
#define RESET_GFN		0xfffffULL
#define RESET_OFF		0xff0

/*
 * Latency benchmarks: samples, unrecorded warm-up samples, the time the
 * guest gets to block in its HLT, and how long to wait for anything.
 */
#define LAT_SAMPLES		2000
#define LAT_WARMUP		50
#define LAT_SETTLE_US		50
#define LAT_TIMEOUT_S		5

/* The latency guest: 64 KiB of RAM at GPA 0, the doorbell unmapped. */
#define LAT_RAM_SIZE		0x10000
#define LAT_GDT_GPA		0x0800
#define LAT_IDT_GPA		0x1000
#define LAT_CODE_GPA		0x2000
#define LAT_IDLE_GPA		0x3000	/* u32, set by the guest before its HLT */
#define LAT_STACK_TOP		0xf000
#define LAT_DB_GPA		0xd0000000u
#define LAT_IRQ_VECTOR		0x40
#define LAT_DB_VECTOR		0x41
#define LAT_PORT_IRQ		0x60
#define LAT_PORT_DB		0x61
#define LAT_GSI_IRQ		0
#define LAT_GSI_DB		1

/* xAPIC registers (the hypervisor's page) and MSI format. */
#define APIC_SVR_GPA		0xfee000f0u
#define APIC_SVR_ENABLE		0x1ffu	/* software enable, spurious vector 0xff */
#define APIC_EOI_GPA		0xfee000b0u
#define MSI_ADDR_DEST0		0xfee00000u	/* physical destination, APIC id 0 */

/* HVCALL_SET_VP_REGISTERS through MSHV_ROOT_HVCALL (hv-abi.md §11.4). */
#define HVCALL_SET_VP_REGISTERS	0x0051
#define HV_X64_REGISTER_RSP	0x00020004
#define HV_X64_REGISTER_RIP	0x00020010
#define HV_X64_REGISTER_RFLAGS	0x00020011
#define HV_X64_REGISTER_CR0	0x00040000
#define HV_X64_REGISTER_ES	0x00060000
#define HV_X64_REGISTER_CS	0x00060001
#define HV_X64_REGISTER_SS	0x00060002
#define HV_X64_REGISTER_DS	0x00060003
#define HV_X64_REGISTER_IDTR	0x00070000
#define HV_X64_REGISTER_GDTR	0x00070001
#define CR0_PE			0x1ULL
#define CR0_ET			0x10ULL
#define RFLAGS_FIXED		0x2ULL
#define FLAT_CS			0x08
#define FLAT_DS			0x10
#define SEG_CODE32		0xc09bULL
#define SEG_DATA32		0xc093ULL

struct counters {
	unsigned long long calls[0x200];
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void read_counters(struct counters *c)
{
	FILE *f = fopen("/sys/kernel/debug/hvsim/hypercalls", "r");
	unsigned int code;
	unsigned long long calls;
	char line[256];

	memset(c, 0, sizeof(*c));
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%x %*s %llu", &code, &calls) == 2 && code < 0x200)
			c->calls[code] = calls;
	fclose(f);
}

static long region_metadata(void)
{
	FILE *p = popen("cat /sys/kernel/debug/mshv_root/partition-*/regions 2>/dev/null",
			"r");
	char line[256];
	long total = -1, n;

	if (!p)
		return -1;
	while (fgets(line, sizeof(line), p))
		if (sscanf(line, "regions %*u metadata %ld", &n) == 1)
			total = n;
	pclose(p);
	return total;
}

static int set_memory(int pt, void *addr, uint64_t size, uint8_t flags)
{
	struct mshv_user_mem_region r = {
		.size = size, .guest_pfn = 0x100000,
		.userspace_addr = (uintptr_t)addr, .flags = flags,
	};

	return ioctl(pt, MSHV_SET_GUEST_MEMORY, &r);
}

/* Bare long-term pinning: register @addr as an io_uring fixed buffer. */
static double bare_pin_ms(void *addr, uint64_t size)
{
	struct io_uring_params p = { 0 };
	struct iovec iov = { .iov_base = addr, .iov_len = size };
	double t;
	int ring;

	ring = syscall(__NR_io_uring_setup, 4, &p);
	if (ring < 0)
		return -1;
	t = now_ms();
	if (syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1)) {
		close(ring);
		return -1;
	}
	syscall(__NR_io_uring_register, ring, IORING_UNREGISTER_BUFFERS, NULL, 0);
	t = now_ms() - t;
	close(ring);
	return t;
}

static void bench(int sys_fd, const char *what, void *mem)
{
	double map_ms = 1e30, unmap_ms = 1e30, pin_ms = 1e30, t;
	struct counters before, after;
	unsigned long long map_calls = 0, deposit_calls = 0, unmap_calls = 0;
	long metadata = -1;
	int round, pt;

	memset(mem, 0x5a, GIB);		/* fault everything in first */
	for (round = 0; round < ROUNDS; round++) {
		struct mshv_create_partition v1 = {
			.pt_flags = 1ULL << MSHV_PT_BIT_GPA_SUPER_PAGES,
		};

		pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, &v1);
		if (pt < 0 || ioctl(pt, MSHV_INITIALIZE_PARTITION)) {
			perror("mshv_bench: partition");
			exit(1);
		}
		read_counters(&before);
		t = now_ms();
		if (set_memory(pt, mem, GIB, 3)) {
			perror("mshv_bench: MSHV_SET_GUEST_MEMORY");
			exit(1);
		}
		t = now_ms() - t;
		map_ms = t < map_ms ? t : map_ms;
		read_counters(&after);
		map_calls = after.calls[0x4b] - before.calls[0x4b];
		deposit_calls = after.calls[0x48] - before.calls[0x48];
		metadata = region_metadata();

		read_counters(&before);
		t = now_ms();
		if (set_memory(pt, mem, GIB, 1 << MSHV_SET_MEM_BIT_UNMAP)) {
			perror("mshv_bench: unmap");
			exit(1);
		}
		t = now_ms() - t;
		unmap_ms = t < unmap_ms ? t : unmap_ms;
		read_counters(&after);
		unmap_calls = after.calls[0x4c] - before.calls[0x4c];
		close(pt);

		t = bare_pin_ms(mem, GIB);
		if (t >= 0 && t < pin_ms)
			pin_ms = t;
	}

	printf("%-28s MAP_GPA_PAGES %5llu  DEPOSIT_MEMORY %3llu  UNMAP_GPA_PAGES %4llu\n",
	       what, map_calls, deposit_calls, unmap_calls);
	printf("%-28s region metadata %ld bytes (%.1f bytes per 2 MiB)\n", "",
	       metadata, metadata * (double)SZ_2M / GIB);
	if (pin_ms < 1e30)
		printf("%-28s map %.1f ms, unmap %.1f ms, bare pin+unpin %.1f ms: map = %.2f x bare pinning\n",
		       "", map_ms, unmap_ms, pin_ms, map_ms / pin_ms);
	else
		printf("%-28s map %.1f ms, unmap %.1f ms (no io_uring for a bare-pinning baseline)\n",
		       "", map_ms, unmap_ms);
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @t; returns the median, @mean gets the mean. */
static double median_mean(double *t, int n, double *mean)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += t[i];
	*mean = sum / n;
	qsort(t, n, sizeof(*t), cmp_double);
	return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t get64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static const char *scheduler_name(void)
{
	static char name[32];
	FILE *f = fopen("/sys/module/hvsim/parameters/scheduler", "r");
	unsigned int type = 0;

	if (f) {
		if (fscanf(f, "%u", &type) != 1)
			type = 0;
		fclose(f);
	}
	switch (type) {
	case 1:
		return "classic";
	case 3:
		return "core";
	case 4:
		return "root";
	}
	snprintf(name, sizeof(name), "type %u", type);
	return name;
}

/*
 * What timing an interval costs: two clock_gettime() calls back to back
 * (UML's clock_gettime is a system call).  Median; @mean gets the mean.
 */
static double clock_cost(double *t, int n, double *mean)
{
	double t0;
	int i;

	for (i = 0; i < n; i++) {
		t0 = now_us();
		t[i] = now_us() - t0;
	}
	return median_mean(t, n, mean);
}

/*
 * Run @vp to its next intercept, which must be an OUT, and step over the
 * OUT as a VMM does (the hypervisor never advances RIP).  Returns the
 * port; @t_exit, if not NULL, gets the time MSHV_RUN_VP returned.
 */
static unsigned int run_to_out(int vp, uint8_t *regs, double *t_exit)
{
	struct mshv_run_vp run;
	uint64_t rip;
	uint32_t dirty;

	while (ioctl(vp, MSHV_RUN_VP, &run)) {
		if (errno == EINTR || errno == EAGAIN)
			continue;
		perror("mshv_bench: MSHV_RUN_VP");
		exit(1);
	}
	if (t_exit)
		*t_exit = now_us();
	if (get32(run.msg_buf, MSG_TYPE_OFF) != HVMSG_X64_IO_PORT_INTERCEPT) {
		fprintf(stderr, "mshv_bench: unexpected message %#x at rip %#llx\n",
			get32(run.msg_buf, MSG_TYPE_OFF),
			(unsigned long long)get64(run.msg_buf, MSG_RIP_OFF));
		exit(1);
	}
	rip = get64(run.msg_buf, MSG_RIP_OFF) + (run.msg_buf[MSG_INSN_LEN_OFF] & 0xf);
	memcpy(regs + REGPAGE_RIP_OFF, &rip, sizeof(rip));
	memcpy(&dirty, regs + REGPAGE_DIRTY_OFF, sizeof(dirty));
	dirty |= REGPAGE_DIRTY_RIP;
	memcpy(regs + REGPAGE_DIRTY_OFF, &dirty, sizeof(dirty));
	return get32(run.msg_buf, MSG_PORT_OFF) & 0xffff;
}

/* One RUN_VP round trip of the OUT loop. */
static void run_once(int vp, uint8_t *regs)
{
	unsigned int port = run_to_out(vp, regs, NULL);

	if (port != 0x80) {
		fprintf(stderr, "mshv_bench: OUT to port %#x, expected 0x80\n", port);
		exit(1);
	}
}

static void bench_run_vp(int sys_fd)
{
	/* out 0x80, al; jmp back to the out */
	static const uint8_t code[] = { 0xe6, 0x80, 0xeb, 0xfc };
	struct mshv_create_partition v1 = { 0 };
	struct mshv_create_vp cvp = { .vp_index = 0 };
	struct mshv_user_mem_region r = {
		.size = 4096, .guest_pfn = RESET_GFN,
		.flags = 1 << MSHV_SET_MEM_BIT_EXECUTABLE,
	};
	double *t, null_med, null_mean, run_med, run_mean, clock_med, clock_mean, t0;
	uint8_t *regs;
	uint8_t *page;
	int pt, vp, i, n;

	n = NULL_ITERS;
	if (n < RUN_ITERS)
		n = RUN_ITERS;
	t = calloc(n, sizeof(*t));
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!t || page == MAP_FAILED) {
		perror("mshv_bench: memory");
		exit(1);
	}
	memcpy(page + RESET_OFF, code, sizeof(code));
	r.userspace_addr = (uintptr_t)page;
	pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, &v1);
	if (pt < 0 || ioctl(pt, MSHV_INITIALIZE_PARTITION) ||
	    ioctl(pt, MSHV_SET_GUEST_MEMORY, &r)) {
		perror("mshv_bench: RUN_VP partition");
		exit(1);
	}
	vp = ioctl(pt, MSHV_CREATE_VP, &cvp);
	if (vp < 0) {
		perror("mshv_bench: MSHV_CREATE_VP");
		exit(1);
	}
	regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, vp,
		    MSHV_VP_MMAP_OFFSET_REGISTERS * 4096);
	if (regs == MAP_FAILED) {
		perror("mshv_bench: register page");
		exit(1);
	}

	clock_med = clock_cost(t, NULL_ITERS, &clock_mean);

	for (i = 0; i < NULL_ITERS; i++) {
		t0 = now_us();
		if (ioctl(vp, NULL_IOCTL) != -1 || errno != ENOTTY) {
			fprintf(stderr, "mshv_bench: the null ioctl did not fail with ENOTTY\n");
			exit(1);
		}
		t[i] = now_us() - t0;
	}
	null_med = median_mean(t, NULL_ITERS, &null_mean);

	for (i = 0; i < RUN_WARMUP; i++)
		run_once(vp, regs);
	for (i = 0; i < RUN_ITERS; i++) {
		t0 = now_us();
		run_once(vp, regs);
		t[i] = now_us() - t0;
	}
	run_med = median_mean(t, RUN_ITERS, &run_mean);

	printf("RUN_VP, scheduler %s: intercept round trip (real-mode OUT loop, %s)\n",
	       scheduler_name(), "RIP advanced through the register page");
	printf("%-28s %6d calls  median %8.2f us  mean %8.2f us\n",
	       "  null ioctl (ENOTTY):", NULL_ITERS, null_med, null_mean);
	printf("%-28s %6d calls  median %8.2f us  mean %8.2f us\n",
	       "  MSHV_RUN_VP:", RUN_ITERS, run_med, run_mean);
	printf("%-28s median %.1f x, mean %.1f x the null ioctl\n", "  RUN_VP round trip:",
	       run_med / null_med, run_mean / null_mean);
	printf("%-28s median %8.2f us  mean %8.2f us per call (included above)\n",
	       "  timing (clock_gettime x2):", clock_med, clock_mean);

	munmap(regs, 4096);
	close(vp);
	close(pt);
	munmap(page, 4096);
	free(t);
}

/* A timestamp one thread posts and another waits for. */
struct stamp {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long seq;	/* number of posts */
	double us;		/* the last one */
};

static void stamp_init(struct stamp *s)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_init(&s->lock, NULL);
	s->seq = 0;
	s->us = 0;
}

static void stamp_destroy(struct stamp *s)
{
	pthread_cond_destroy(&s->cond);
	pthread_mutex_destroy(&s->lock);
}

static void stamp_post(struct stamp *s, double us)
{
	pthread_mutex_lock(&s->lock);
	s->us = us;
	s->seq++;
	pthread_cond_signal(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/* The value of post number @seq (counting from 1); exits after a timeout. */
static double stamp_wait(struct stamp *s, unsigned long seq, const char *what)
{
	struct timespec end;
	unsigned long got;
	double us;
	int err = 0;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += LAT_TIMEOUT_S;
	pthread_mutex_lock(&s->lock);
	while (s->seq < seq && err != ETIMEDOUT)
		err = pthread_cond_timedwait(&s->cond, &s->lock, &end);
	got = s->seq;
	us = s->us;
	pthread_mutex_unlock(&s->lock);
	if (got != seq) {
		fprintf(stderr, "mshv_bench: %s: %lu events after %d s, expected %lu\n",
			what, got, LAT_TIMEOUT_S, seq);
		exit(1);
	}
	return us;
}

struct lat {
	int vp;
	uint8_t *regs;			/* the VP's register page */
	uint32_t *idle;			/* the guest's IDLE word */
	int db_fd;			/* the ioeventfd's eventfd */
	atomic_bool stop;
	struct stamp irq_out;		/* RUN_VP returned the OUT of LAT_PORT_IRQ */
	struct stamp db_out;		/* RUN_VP returned the OUT of LAT_PORT_DB */
	struct stamp db_wake;		/* read() on @db_fd returned */
};

/* The vCPU thread: runs the VP, steps over its OUTs, posts their times. */
static void *lat_vcpu(void *arg)
{
	struct lat *l = arg;
	unsigned int port;
	double t;

	for (;;) {
		port = run_to_out(l->vp, l->regs, &t);
		if (atomic_load(&l->stop))
			return NULL;
		if (port == LAT_PORT_IRQ) {
			stamp_post(&l->irq_out, t);
		} else if (port == LAT_PORT_DB) {
			stamp_post(&l->db_out, t);
		} else {
			fprintf(stderr, "mshv_bench: OUT to unexpected port %#x\n", port);
			exit(1);
		}
	}
}

/* The reader: blocks in read() on the ioeventfd's eventfd. */
static void *lat_reader(void *arg)
{
	struct lat *l = arg;
	uint64_t count;
	double t;

	for (;;) {
		if (read(l->db_fd, &count, sizeof(count)) != sizeof(count)) {
			if (errno == EINTR)
				continue;
			perror("mshv_bench: read of the ioeventfd");
			exit(1);
		}
		t = now_us();
		if (atomic_load(&l->stop))
			return NULL;
		stamp_post(&l->db_wake, t);
	}
}

static void sleep_us(long us)
{
	struct timespec ts = {
		.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000,
	};

	nanosleep(&ts, NULL);
}

/*
 * Wait until the guest is back at its HLT (it sets IDLE just before), give
 * the VP and the vCPU thread LAT_SETTLE_US to block, then clear IDLE.
 */
static void lat_wait_idle(struct lat *l)
{
	double end = now_us() + LAT_TIMEOUT_S * 1e6;

	while (!__atomic_load_n(l->idle, __ATOMIC_ACQUIRE)) {
		if (now_us() > end) {
			fprintf(stderr, "mshv_bench: the guest did not return to its HLT\n");
			exit(1);
		}
		sleep_us(10);
	}
	sleep_us(LAT_SETTLE_US);
	__atomic_store_n(l->idle, 0, __ATOMIC_RELEASE);
}

static void efd_signal(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one)) {
		perror("mshv_bench: eventfd write");
		exit(1);
	}
}

/*
 * LAT_WARMUP unrecorded samples, then @n into @t.  A sample signals
 * @trigger once the guest is idle and ends at the next post of @end; it
 * starts just before the signal, or, with @start, at the post of @start
 * that precedes @end's.
 */
static void lat_sample(struct lat *l, int trigger, struct stamp *start,
		       struct stamp *end, double *t, int n, const char *what)
{
	unsigned long seq;
	double t0, t1;
	int i;

	for (i = -LAT_WARMUP; i < n; i++) {
		seq = i + LAT_WARMUP + 1;
		lat_wait_idle(l);
		t0 = now_us();
		efd_signal(trigger);
		t1 = stamp_wait(end, seq, what);
		if (start)
			t0 = stamp_wait(start, seq, what);
		if (i >= 0)
			t[i] = t1 - t0;
	}
}

static uint8_t *emit_mov_m32(uint8_t *p, uint32_t addr, uint32_t val)
{
	*p++ = 0xc7;			/* mov dword [disp32], imm32 */
	*p++ = 0x05;
	memcpy(p, &addr, sizeof(addr));
	memcpy(p + 4, &val, sizeof(val));
	return p + 8;
}

static uint8_t *emit_out(uint8_t *p, uint8_t port)
{
	*p++ = 0xe6;			/* out imm8, al */
	*p++ = port;
	return p;
}

/* A 32-bit interrupt gate, DPL 0, to @handler in the flat code segment. */
static void idt_gate(uint8_t *ram, unsigned int vector, uint32_t handler)
{
	uint64_t g = (handler & 0xffff) | (uint64_t)FLAT_CS << 16 | 0x8eULL << 40 |
		     (uint64_t)(handler >> 16) << 48;

	memcpy(ram + LAT_IDT_GPA + 8 * vector, &g, sizeof(g));
}

/*
 *   start:	mov dword [APIC_SVR], 0x1ff
 *   loop:	mov dword [IDLE], 1
 *		sti
 *		hlt
 *		jmp loop
 *   irq:	out LAT_PORT_IRQ, al		(LAT_IRQ_VECTOR)
 *		mov dword [APIC_EOI], 0
 *		iret
 *   db:	out LAT_PORT_DB, al		(LAT_DB_VECTOR)
 *		mov dword [LAT_DB_GPA], 1
 *		mov dword [APIC_EOI], 0
 *		iret
 */
static void lat_guest_build(uint8_t *ram)
{
	static const uint64_t gdt[] = {
		0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL,
	};
	uint8_t *code = ram + LAT_CODE_GPA, *p = code, *loop;

	memcpy(ram + LAT_GDT_GPA, gdt, sizeof(gdt));
	p = emit_mov_m32(p, APIC_SVR_GPA, APIC_SVR_ENABLE);
	loop = p;
	p = emit_mov_m32(p, LAT_IDLE_GPA, 1);
	*p++ = 0xfb;			/* sti */
	*p++ = 0xf4;			/* hlt */
	*p++ = 0xeb;			/* jmp rel8 */
	*p = (uint8_t)(loop - (p + 1));
	p++;

	idt_gate(ram, LAT_IRQ_VECTOR, LAT_CODE_GPA + (p - code));
	p = emit_out(p, LAT_PORT_IRQ);
	p = emit_mov_m32(p, APIC_EOI_GPA, 0);
	*p++ = 0xcf;			/* iret */

	idt_gate(ram, LAT_DB_VECTOR, LAT_CODE_GPA + (p - code));
	p = emit_out(p, LAT_PORT_DB);
	p = emit_mov_m32(p, LAT_DB_GPA, 1);
	p = emit_mov_m32(p, APIC_EOI_GPA, 0);
	*p++ = 0xcf;			/* iret */
}

/* One register of HVCALL_SET_VP_REGISTERS: name, then a 128-bit value. */
struct hv_reg {
	uint32_t name;
	uint32_t rsvd;
	uint64_t rsvd2;
	uint64_t lo;
	uint64_t hi;
};

#define REG(n, v)	{ .name = (n), .lo = (v) }
/* Segment: base, then limit u32, selector u16, attributes u16. */
#define SEG(n, sel, attr)	{ .name = (n), .lo = 0,			\
	.hi = 0xffffffffULL | (uint64_t)(sel) << 32 | (uint64_t)(attr) << 48 }
/* Table register: pad u16[3], limit u16, base u64. */
#define TABLE(n, base, limit)	{ .name = (n), .lo = (uint64_t)(limit) << 48, \
	.hi = (base) }

/* Flat 32-bit protected mode at the guest's start, GDT and IDT loaded. */
static void lat_guest_start(int vp)
{
	static const struct hv_reg r[] = {
		REG(HV_X64_REGISTER_CR0, CR0_PE | CR0_ET),
		SEG(HV_X64_REGISTER_DS, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_ES, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_SS, FLAT_DS, SEG_DATA32),
		SEG(HV_X64_REGISTER_CS, FLAT_CS, SEG_CODE32),
		TABLE(HV_X64_REGISTER_GDTR, LAT_GDT_GPA, 0x17),
		TABLE(HV_X64_REGISTER_IDTR, LAT_IDT_GPA, 0x7ff),
		REG(HV_X64_REGISTER_RIP, LAT_CODE_GPA),
		REG(HV_X64_REGISTER_RFLAGS, RFLAGS_FIXED),
		REG(HV_X64_REGISTER_RSP, LAT_STACK_TOP),
	};
	/* Input: partition id u64 (0: the VP's), VP index u32, VTL u8, pad. */
	uint8_t in[16 + sizeof(r)] = { 0 };
	struct mshv_root_hvcall call = {
		.code = HVCALL_SET_VP_REGISTERS,
		.reps = ARRAY_SIZE(r),
		.in_sz = sizeof(in),
		.in_ptr = (uintptr_t)in,
	};

	memcpy(in + 16, r, sizeof(r));
	if (ioctl(vp, MSHV_ROOT_HVCALL, &call) || call.status ||
	    call.reps != ARRAY_SIZE(r)) {
		fprintf(stderr, "mshv_bench: SET_VP_REGISTERS: %s, status %#x\n",
			strerror(errno), call.status);
		exit(1);
	}
}

/* Fixed, edge-triggered MSIs to APIC id 0: one route per vector. */
static void lat_set_routes(int pt)
{
	struct mshv_user_irq_table *table;

	table = calloc(1, sizeof(*table) + 2 * sizeof(table->entries[0]));
	if (!table) {
		perror("mshv_bench: memory");
		exit(1);
	}
	table->nr = 2;
	table->entries[0] = (struct mshv_user_irq_entry){
		.gsi = LAT_GSI_IRQ, .address_lo = MSI_ADDR_DEST0,
		.data = LAT_IRQ_VECTOR,
	};
	table->entries[1] = (struct mshv_user_irq_entry){
		.gsi = LAT_GSI_DB, .address_lo = MSI_ADDR_DEST0,
		.data = LAT_DB_VECTOR,
	};
	if (ioctl(pt, MSHV_SET_MSI_ROUTING, table)) {
		perror("mshv_bench: MSHV_SET_MSI_ROUTING");
		exit(1);
	}
	free(table);
}

static int lat_irqfd(int pt, unsigned int gsi)
{
	struct mshv_user_irqfd a = { .gsi = gsi };

	a.fd = eventfd(0, EFD_CLOEXEC);
	if (a.fd < 0 || ioctl(pt, MSHV_IRQFD, &a)) {
		perror("mshv_bench: MSHV_IRQFD");
		exit(1);
	}
	return a.fd;
}

static void lat_print(const char *what, double *t, int n)
{
	double med, mean;

	med = median_mean(t, n, &mean);
	/* Nearest rank: the smallest sample at or above 99 % of them. */
	printf("%-28s %6d samples median %8.2f us  mean %8.2f us  p99 %8.2f us\n",
	       what, n, med, mean, t[(n * 99 + 99) / 100 - 1]);
}

static void bench_latency(int sys_fd)
{
	struct mshv_create_partition v1 = {
		.pt_flags = 1ULL << MSHV_PT_BIT_LAPIC,
	};
	struct mshv_create_vp cvp = { .vp_index = 0 };
	struct mshv_user_mem_region r = {
		.size = LAT_RAM_SIZE, .guest_pfn = 0,
		.flags = 1 << MSHV_SET_MEM_BIT_WRITABLE |
			 1 << MSHV_SET_MEM_BIT_EXECUTABLE,
	};
	struct mshv_user_ioeventfd ioe = {
		.addr = LAT_DB_GPA, .len = 4,
	};
	pthread_t vcpu, reader;
	double *t, clock_med, clock_mean;
	int pt, irq_fd, db_irq_fd;
	struct lat l = { 0 };
	uint8_t *ram;

	t = calloc(LAT_SAMPLES, sizeof(*t));
	ram = mmap(NULL, LAT_RAM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!t || ram == MAP_FAILED) {
		perror("mshv_bench: memory");
		exit(1);
	}
	lat_guest_build(ram);
	l.idle = (uint32_t *)(ram + LAT_IDLE_GPA);
	r.userspace_addr = (uintptr_t)ram;

	pt = ioctl(sys_fd, MSHV_CREATE_PARTITION, &v1);
	if (pt < 0 || ioctl(pt, MSHV_INITIALIZE_PARTITION) ||
	    ioctl(pt, MSHV_SET_GUEST_MEMORY, &r)) {
		perror("mshv_bench: latency partition");
		exit(1);
	}
	l.vp = ioctl(pt, MSHV_CREATE_VP, &cvp);
	if (l.vp < 0) {
		perror("mshv_bench: MSHV_CREATE_VP");
		exit(1);
	}
	l.regs = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, l.vp,
		      MSHV_VP_MMAP_OFFSET_REGISTERS * 4096);
	if (l.regs == MAP_FAILED) {
		perror("mshv_bench: register page");
		exit(1);
	}
	lat_guest_start(l.vp);

	lat_set_routes(pt);
	irq_fd = lat_irqfd(pt, LAT_GSI_IRQ);
	db_irq_fd = lat_irqfd(pt, LAT_GSI_DB);
	l.db_fd = eventfd(0, EFD_CLOEXEC);
	ioe.fd = l.db_fd;
	if (l.db_fd < 0 || ioctl(pt, MSHV_IOEVENTFD, &ioe)) {
		perror("mshv_bench: MSHV_IOEVENTFD");
		exit(1);
	}

	stamp_init(&l.irq_out);
	stamp_init(&l.db_out);
	stamp_init(&l.db_wake);
	atomic_init(&l.stop, false);
	if (pthread_create(&vcpu, NULL, lat_vcpu, &l) ||
	    pthread_create(&reader, NULL, lat_reader, &l)) {
		fprintf(stderr, "mshv_bench: cannot create threads\n");
		exit(1);
	}

	clock_med = clock_cost(t, LAT_SAMPLES, &clock_mean);

	printf("IRQFD, scheduler %s: eventfd write -> guest interrupt (%s)\n",
	       scheduler_name(), "fixed edge MSI, guest in HLT with IF=1");
	printf("  from before write() on the irqfd's eventfd until MSHV_RUN_VP returns the OUT\n"
	       "  the handler executes first: irqfd wake-up and ASSERT_VIRTUAL_INTERRUPT, waking\n"
	       "  the VP and the vCPU thread blocked in RUN_VP, delivery through the IDT, the\n"
	       "  intercept back to the VMM\n");
	lat_sample(&l, irq_fd, NULL, &l.irq_out, t, LAT_SAMPLES, "interrupt");
	lat_print("  write -> handler's OUT:", t, LAT_SAMPLES);

	printf("IOEVENTFD, scheduler %s: guest doorbell -> eventfd (%s)\n",
	       scheduler_name(), "4-byte write to an unmapped GPA, no datamatch");
	printf("  from MSHV_RUN_VP returning the guest's OUT just before its doorbell write\n"
	       "  until read() on the eventfd returns in a thread blocked in it: re-entering\n"
	       "  RUN_VP, the write, the doorbell's SynIC event and handler, eventfd signal,\n"
	       "  waking the reader (the guest runs on to its HLT meanwhile)\n");
	lat_sample(&l, db_irq_fd, &l.db_out, &l.db_wake, t, LAT_SAMPLES, "doorbell");
	lat_print("  OUT exit -> read() wakes:", t, LAT_SAMPLES);
	printf("%-28s median %8.2f us  mean %8.2f us per sample (included above)\n",
	       "  timing (clock_gettime x2):", clock_med, clock_mean);

	/* The vCPU thread stops at the next OUT, the reader at the next wake. */
	atomic_store(&l.stop, true);
	lat_wait_idle(&l);
	efd_signal(irq_fd);
	pthread_join(vcpu, NULL);
	efd_signal(l.db_fd);
	pthread_join(reader, NULL);
	stamp_destroy(&l.irq_out);
	stamp_destroy(&l.db_out);
	stamp_destroy(&l.db_wake);

	close(l.db_fd);
	close(db_irq_fd);
	close(irq_fd);
	munmap(l.regs, 4096);
	close(l.vp);
	close(pt);
	munmap(ram, LAT_RAM_SIZE);
	free(t);
}

int main(int argc, char **argv)
{
	int sys_fd = open("/dev/mshv", O_RDWR | O_CLOEXEC);
	bool run_only = argc > 1 && !strcmp(argv[1], "--run-only");
	void *small, *huge;
	int hfd;

	if (argc > 2 || (argc == 2 && !run_only)) {
		fprintf(stderr, "usage: mshv_bench [--run-only]\n");
		return 2;
	}
	if (sys_fd < 0) {
		perror("mshv_bench: /dev/mshv");
		return 1;
	}
	if (run_only) {
		bench_run_vp(sys_fd);
		bench_latency(sys_fd);
		return 0;
	}
	small = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (small == MAP_FAILED) {
		perror("mshv_bench: mmap");
		return 1;
	}
	madvise(small, GIB, MADV_NOHUGEPAGE);
	printf("mshv_bench: 1 GiB of guest memory, best of %d rounds\n", ROUNDS);
	bench(sys_fd, "4 KiB pages:", small);
	munmap(small, GIB);

	hfd = open("/dev/hvsim_hugemem", O_RDWR);
	if (hfd >= 0)
		huge = mmap(NULL, GIB, PROT_READ | PROT_WRITE, MAP_SHARED, hfd, 0);
	else
		huge = mmap(NULL, GIB, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (huge == MAP_FAILED) {
		printf("mshv_bench: no 2 MiB-folio memory, skipping the large-page run\n");
	} else {
		bench(sys_fd, "2 MiB folios:", huge);
		munmap(huge, GIB);
	}
	bench_run_vp(sys_fd);
	bench_latency(sys_fd);
	return 0;
}
