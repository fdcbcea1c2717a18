// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the mshv rig's User-Mode Linux guest.
 *
 * The guest boots with the host's root directory mounted read-only through
 * hostfs, so every host program and library is visible at its usual path.
 * The host side (tools/testing/mshv/rig) prepares a job directory and names
 * it on the kernel command line as "rig.job=<dir>".  This program mounts the
 * pseudo file systems, mounts the job directory read-write, runs
 * "<dir>/job.sh" with /bin/sh, and records in the job directory:
 *
 *   status  the job's exit status (or 128 + signal, or 124 on timeout)
 *   dmesg   the complete kernel log, for the host's sanitizer scan
 *
 * and then powers the machine off.  The UML process itself always exits 0,
 * so these files are the only trustworthy result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define JOB_TIMEOUT_DEFAULT	1800

static char job_dir[4096];
static unsigned int job_timeout = JOB_TIMEOUT_DEFAULT;
static int host_tmp;		/* rig.hosttmp=1: keep the host's /tmp */

static void say(const char *fmt, const char *arg)
{
	fprintf(stderr, "rig-init: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
}

static void mount_or_warn(const char *src, const char *dst, const char *type,
			  unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) && errno != EBUSY)
		say("cannot mount %s", dst);
}

static void parse_cmdline(void)
{
	char buf[4096], *tok, *save;
	ssize_t n;
	int fd;

	fd = open("/proc/cmdline", O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (tok = strtok_r(buf, "\n\t ", &save); tok;
	     tok = strtok_r(NULL, "\n\t ", &save)) {
		if (!strncmp(tok, "rig.job=", 8))
			snprintf(job_dir, sizeof(job_dir), "%s", tok + 8);
		else if (!strncmp(tok, "rig.timeout=", 12))
			job_timeout = strtoul(tok + 12, NULL, 10);
		else if (!strcmp(tok, "rig.hosttmp=1"))
			host_tmp = 1;
	}
}

static void write_file(const char *name, const char *data, size_t len)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", job_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		say("cannot write %s", path);
		return;
	}
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n <= 0)
			break;
		data += n;
		len -= n;
	}
	fsync(fd);
	close(fd);
}

/* Copy every record of the kernel log buffer into <job>/dmesg. */
static void save_kernel_log(void)
{
	static char rec[8192];
	char path[4200];
	int in, out;

	in = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	snprintf(path, sizeof(path), "%s/dmesg", job_dir);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0) {
		say("cannot save the kernel log to %s", path);
		goto out;
	}
	for (;;) {
		ssize_t n = read(in, rec, sizeof(rec));
		char *text;

		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: skip */
		if (n <= 0)
			break;
		/* "prio,seq,time,flags;message\n": keep the message. */
		text = memchr(rec, ';', n);
		text = text ? text + 1 : rec;
		if (write(out, text, rec + n - text) < 0)
			break;
	}
	fsync(out);
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
}

static int run_job(void)
{
	char script[4200];
	unsigned int waited = 0;
	pid_t pid;
	int wstatus;

	snprintf(script, sizeof(script), "%s/job.sh", job_dir);
	pid = fork();
	if (pid < 0)
		return 127;
	if (!pid) {
		setsid();
		execl("/bin/sh", "sh", script, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(-1, &wstatus, WNOHANG);

		if (w == pid)
			break;
		if (w > 0)
			continue;	/* reaped an orphan */
		if (waited >= job_timeout * 10) {
			say("%s", "job timed out, killing it");
			kill(-pid, SIGKILL);
			waitpid(pid, &wstatus, 0);
			return 124;
		}
		usleep(100000);
		waited++;
	}
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	return 128 + WTERMSIG(wstatus);
}

int main(void)
{
	char status[16];
	int ret;

	mount_or_warn("proc", "/proc", "proc", 0, NULL);
	mount_or_warn("sysfs", "/sys", "sysfs", 0, NULL);
	mount_or_warn("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount_or_warn("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount_or_warn("tmpfs", "/run", "tmpfs", 0, NULL);
	mount_or_warn("devpts", "/dev/pts", "devpts", 0, NULL);

	parse_cmdline();
	/*
	 * A private /tmp, unless the job or the tree lives in the host's
	 * /tmp (rig.hosttmp=1): then the host's stays visible (read-only)
	 * and programs get TMPDIR=/run.
	 */
	if (!host_tmp)
		mount_or_warn("tmpfs", "/tmp", "tmpfs", 0, NULL);
	if (!job_dir[0]) {
		say("%s", "no rig.job= on the kernel command line");
		goto off;
	}
	/* The job directory is the one place the guest may write on the host. */
	if (mount("none", job_dir, "hostfs", 0, job_dir)) {
		say("cannot mount the job directory %s", job_dir);
		goto off;
	}

	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TMPDIR", host_tmp ? "/run" : "/tmp", 1);
	setenv("RIG_JOB", job_dir, 1);

	ret = run_job();
	snprintf(status, sizeof(status), "%d\n", ret);
	save_kernel_log();
	write_file("status", status, strlen(status));
	sync();
off:
	reboot(RB_POWER_OFF);
	return 0;
}
