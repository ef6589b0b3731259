// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of the ways to move file or user data, in one run, so that
 * ratios between them mean something even under emulation.
 *
 * usage: splice_bench DIR FILE_MIB CHUNK_KIB...
 * Prints "bench DIR METHOD CHUNK_KIB MIB_PER_S" lines, five per method
 * and chunk size after one warm-up pass.
 *
 * Methods (a 32 MiB file in DIR, CHUNK_KIB per call):
 *   read_write, splice, sendfile        file -> /dev/null
 *   unix_read_write, unix_splice, unix_sendfile
 *                                       file -> AF_UNIX socket, a reader
 *                                       process drains it with read()
 *   tcp_read_write, tcp_splice, tcp_sendfile
 *                                       the same over TCP loopback
 *   write_pipe, vmsplice                user buffer -> pipe -> /dev/null
 *   remap_pages                         what handing the caller's pages
 *                                       over would cost at the least
 *   copy_pread_pwrite, copy_file_range, copy_sendfile
 *                                       file -> a second file in DIR
 *   dump_write, dump_gift               32 MiB of anonymous memory to a
 *                                       file in DIR, as CRIU dumps: with
 *                                       pwrite(), or vmsplice() with
 *                                       SPLICE_F_GIFT into one pipe that
 *                                       holds it all, then the owner
 *                                       rewrites every other page, then
 *                                       the pipe is spliced to the file;
 *                                       a "# dump" line says how many
 *                                       pages of the file differ from the
 *                                       memory at the time of the call
 *   dump_write_idle, dump_gift_idle     the same, but the owner stores
 *                                       nothing before the pipe is drained
 *                                       (a dump of a task that stays
 *                                       frozen, or is killed, until then)
 *   cold_read_write, cold_splice, cold_splice_move, cold_splice_noreuse,
 *   cold_odirect                        one pass over an uncached file
 *                                       (POSIX_FADV_DONTNEED first), and
 *                                       the POSIX_FADV_DONTNEED after it
 *                                       that leaves the file uncached
 *                                       again (see below); cold_odirect
 *                                       reads with O_DIRECT, and
 *                                       cold_splice_noreuse from a file
 *                                       given POSIX_FADV_NOREUSE
 *
 * BENCH_ONLY=m1,m2 in the environment runs only those methods.
 * BENCH_PERF_CTL=FIFO names the control FIFO of a "perf record -D -1
 * --control fifo:FIFO" that runs this program: profiling is enabled only
 * while the methods run, not while the file is written (make profile).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <sched.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1024UL * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Drain a pipe into /dev/null (or a socket) with splice. */
static void drain(int pfd, int out, size_t len)
{
	while (len) {
		ssize_t n = splice(pfd, NULL, out, NULL, len, 0);

		if (n <= 0)
			die("splice out of the pipe");
		len -= n;
	}
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n <= 0)
			die("write");
		buf += n;
		len -= n;
	}
}

/* A receiving end that a child process drains with read(). */
struct sink {
	int fd;
	pid_t reader;
};

static void big_buffers(int fd)
{
	int v = 4 * MIB;

	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &v, sizeof(v));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v));
}

static void reader(int fd, size_t size)
{
	static char buf[1 << 20];
	ssize_t n;

	while (size) {
		n = read(fd, buf, sizeof(buf) < size ? sizeof(buf) : size);
		if (n <= 0)
			_exit(1);
		size -= n;
	}
	_exit(0);
}

/*
 * Keep the timed process on one CPU and a socket's reader on another:
 * left to the scheduler, the placement changed from run to run, and
 * emulated throughput with it.
 */
static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static struct sink open_sink(const char *kind, size_t size)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	struct sink s = { .reader = 0 };
	int sv[2], l, one = 1;

	if (!strcmp(kind, "null")) {
		s.fd = open("/dev/null", O_WRONLY);
		if (s.fd < 0)
			die("/dev/null");
		return s;
	}
	if (!strcmp(kind, "unix")) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			die("socketpair");
	} else {
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		l = socket(AF_INET, SOCK_STREAM, 0);
		sv[0] = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0 || sv[0] < 0 || bind(l, (void *)&a, sizeof(a)) ||
		    listen(l, 1) || getsockname(l, (void *)&a, &alen))
			die("tcp listen");
		big_buffers(sv[0]);
		if (connect(sv[0], (void *)&a, sizeof(a)))
			die("connect");
		sv[1] = accept(l, NULL, NULL);
		if (sv[1] < 0)
			die("accept");
		close(l);
		setsockopt(sv[0], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	big_buffers(sv[0]);
	big_buffers(sv[1]);
	s.reader = fork();
	if (s.reader < 0)
		die("fork");
	if (!s.reader) {
		pin(0);
		close(sv[0]);
		reader(sv[1], size);
	}
	close(sv[1]);
	s.fd = sv[0];
	return s;
}

static void close_sink(struct sink *s)
{
	int status;

	close(s->fd);
	if (s->reader && (waitpid(s->reader, &status, 0) != s->reader ||
			  !WIFEXITED(status) || WEXITSTATUS(status)))
		die("reader");
}

/*
 * The dump must hold the memory as it was at the call, and the owner's
 * memory must hold what it wrote since and what it left: report pages
 * that do not.  Then put the memory back for the next run.
 */
static void check_dump(const char *method, size_t chunk, int fd,
		       char *mem, const unsigned char *snap, size_t size,
		       int idle)
{
	unsigned char *buf = (unsigned char *)mem;
	size_t i, stale = 0, lost = 0;
	unsigned char *got = malloc(size);

	if (!got || pread(fd, got, size, 0) != (ssize_t)size)
		die("dump read back");
	for (i = 0; i < size; i += 4096) {
		unsigned char want = i % 8192 || idle ? snap[i] : snap[i] ^ 0xff;

		stale += !!memcmp(got + i, snap + i, 4096);
		lost += buf[i] != want || memcmp(buf + i + 1, snap + i + 1, 4095);
		if (!(i % 8192) && !idle)
			buf[i] ^= 0xff;
	}
	free(got);
	if (stale || lost)
		printf("# dump %s %zu: %zu of %zu pages in the dump changed after the call, %zu of the owner's pages wrong\n",
		       method, chunk / 1024, stale, size / 4096, lost);
}

static double run(const char *method, const char *path, int fd, size_t size,
		  size_t chunk, char *buf)
{
	const char *kind = "null";
	struct sink s;
	size_t done;
	loff_t off;
	double t0;
	int p[2], dfd = -1, cfd = -1;
	int cold = !strncmp(method, "cold_", 5);
	int dump = !strncmp(method, "dump_", 5);
	int idle = dump && strstr(method, "_idle");
	unsigned char *snap = NULL;
	char dst[4200];

	if (cold) {
		/* One pass over a file that is not cached. */
		method += 5;
		if (fsync(fd) || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			die("fadvise");
	}
	if (!strncmp(method, "unix_", 5) || !strncmp(method, "tcp_", 4)) {
		kind = method[0] == 'u' ? "unix" : "tcp";
		method = strchr(method, '_') + 1;
	}
	if (!strcmp(method, "odirect")) {
		dfd = open(path, O_RDONLY | O_DIRECT);
		if (dfd < 0)
			return -1;	/* not on this filesystem (tmpfs) */
	} else if (!strcmp(method, "splice_noreuse")) {
		/* The program says it reads the data once. */
		dfd = open(path, O_RDONLY);
		if (dfd < 0 || posix_fadvise(dfd, 0, 0, POSIX_FADV_NOREUSE))
			die("POSIX_FADV_NOREUSE");
	}
	if (dump) {
		/* What the memory held when it was handed over. */
		snap = malloc(size);
		if (!snap)
			die("malloc");
		memcpy(snap, buf, size);
	}
	if (!strncmp(method, "copy_", 5) || dump) {
		/*
		 * File to file on the same filesystem, as cp does: the copy
		 * overwrites the cached pages of the same destination each
		 * run, and its writeback is done outside the timed part.
		 */
		snprintf(dst, sizeof(dst), "%s.dst", path);
		cfd = open(dst, O_RDWR | O_CREAT, 0600);
		if (cfd < 0 || lseek(cfd, 0, SEEK_SET))
			die("copy destination");
	}
	if (pipe(p))
		die("pipe");
	if (fcntl(p[1], F_SETPIPE_SZ, dump ? size : chunk < 65536 ? 65536 : chunk) < 0)
		die("F_SETPIPE_SZ");
	s = open_sink(kind, size);

	t0 = now();
	for (done = 0; done < size; done += chunk) {
		ssize_t n = chunk;

		if (!strcmp(method, "read_write")) {
			if (pread(fd, buf, chunk, done) != (ssize_t)chunk)
				die("pread");
			write_all(s.fd, buf, chunk);
		} else if (!strcmp(method, "copy_pread_pwrite")) {
			if (pread(fd, buf, chunk, done) != (ssize_t)chunk ||
			    pwrite(cfd, buf, chunk, done) != (ssize_t)chunk)
				die("pread+pwrite");
		} else if (!strcmp(method, "copy_file_range")) {
			loff_t oo = done;

			off = done;
			while (n > 0) {
				ssize_t k = copy_file_range(fd, &off, cfd, &oo,
							    n, 0);

				if (k <= 0)
					die("copy_file_range");
				n -= k;
			}
		} else if (!strcmp(method, "copy_sendfile")) {
			off = done;
			while (n > 0) {
				ssize_t k = sendfile(cfd, fd, &off, n);

				if (k <= 0)
					die("sendfile to a file");
				n -= k;
			}
		} else if (!strncmp(method, "dump_write", 10)) {
			if (pwrite(cfd, buf + done, chunk, done) != (ssize_t)chunk)
				die("dump pwrite");
		} else if (!strncmp(method, "dump_gift", 9)) {
			struct iovec iov = { buf + done, chunk };

			if (vmsplice(p[1], &iov, 1, SPLICE_F_GIFT) != (ssize_t)chunk)
				die("dump vmsplice");
		} else if (!strcmp(method, "odirect")) {
			if (pread(dfd, buf, chunk, done) != (ssize_t)chunk)
				die("O_DIRECT pread");
			write_all(s.fd, buf, chunk);
		} else if (!strncmp(method, "splice", 6)) {
			off = done;
			n = splice(dfd >= 0 ? dfd : fd, &off, p[1], NULL, chunk,
				   strcmp(method, "splice_move") ? 0 : SPLICE_F_MOVE);
			if (n != (ssize_t)chunk)
				die("splice file to pipe");
			drain(p[0], s.fd, n);
		} else if (!strcmp(method, "sendfile")) {
			off = done;
			while (n > 0) {
				ssize_t k = sendfile(s.fd, fd, &off, n);

				if (k <= 0)
					die("sendfile");
				n -= k;
			}
		} else if (!strcmp(method, "vmsplice")) {
			struct iovec iov = { buf, chunk };

			n = vmsplice(p[1], &iov, 1, 0);
			if (n != (ssize_t)chunk)
				die("vmsplice");
			drain(p[0], s.fd, n);
		} else if (!strcmp(method, "write_pipe")) {
			write_all(p[1], buf, chunk);
			drain(p[0], s.fd, chunk);
		} else if (!strcmp(method, "remap_pages")) {
			/*
			 * The pages leave the caller's page tables (with a
			 * TLB flush) and fresh ones are faulted in when it
			 * next stores there.
			 */
			size_t i;

			if (madvise(buf, chunk, MADV_DONTNEED))
				die("madvise");
			for (i = 0; i < chunk; i += 4096)
				buf[i] = 1;
		} else {
			fprintf(stderr, "unknown method %s\n", method);
			exit(2);
		}
	}
	if (dump) {
		/*
		 * The dumped task runs on and rewrites half its memory (not
		 * when idle: it stays frozen until the dump is written)...
		 */
		size_t i;
		loff_t oo = 0;

		for (i = 0; i < size && !idle; i += 8192)
			buf[i] ^= 0xff;
		/* ...while the pipe is written out. */
		while (!strncmp(method, "dump_gift", 9) && (size_t)oo < size) {
			ssize_t k = splice(p[0], NULL, cfd, &oo, size - oo,
					   SPLICE_F_MOVE);

			if (k <= 0)
				die("dump splice");
		}
	}
	/*
	 * A one-pass stream leaves nothing it will use again in the page
	 * cache.  Evicting what it read in is part of its cost: reclaim pays
	 * it later when the pass leaves the pages cached, the pass pays it
	 * itself when it moves them out.  Time both the same way.
	 */
	if (cold && posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
		die("fadvise");
	close_sink(&s);
	t0 = now() - t0;
	if (dump)
		check_dump(method, chunk, cfd, buf, snap, size, idle);
	if (cfd >= 0) {
		if (fsync(cfd))
			die("fsync");
		close(cfd);
	}
	free(snap);
	close(p[0]);
	close(p[1]);
	if (dfd >= 0)
		close(dfd);
	return size / MIB / t0;
}

/* Tell a perf record that runs us to start or stop profiling. */
static void perf_ctl(const char *cmd)
{
	const char *path = getenv("BENCH_PERF_CTL");
	int fd;

	if (!path || !*path)
		return;
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, cmd, strlen(cmd)) != (ssize_t)strlen(cmd))
		die("BENCH_PERF_CTL");
	close(fd);
}

static int wanted(const char *method)
{
	const char *only = getenv("BENCH_ONLY");
	size_t len = strlen(method);
	const char *p;

	if (!only || !*only)
		return 1;
	for (p = only; (p = strstr(p, method)); p += len)
		if ((p == only || p[-1] == ',') && (!p[len] || p[len] == ','))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	static const char * const methods[] = {
		"read_write", "splice", "sendfile",
		"unix_read_write", "unix_splice", "unix_sendfile",
		"tcp_read_write", "tcp_splice", "tcp_sendfile",
		"write_pipe", "vmsplice", "remap_pages",
		"copy_pread_pwrite", "copy_file_range", "copy_sendfile",
		"dump_write", "dump_gift", "dump_write_idle", "dump_gift_idle",
		"cold_read_write", "cold_splice", "cold_splice_move",
		"cold_splice_noreuse", "cold_odirect",
	};
	const size_t nm = sizeof(methods) / sizeof(methods[0]);
	size_t size, chunk, i, rep;
	char path[4096];
	double r;
	char *buf;
	int fd, a, phase;

	if (argc < 4) {
		fprintf(stderr, "usage: %s DIR FILE_MIB CHUNK_KIB...\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	pin(1);
	size = atoi(argv[2]) * MIB;
	snprintf(path, sizeof(path), "%s/splice_bench.dat", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || posix_memalign((void **)&buf, 4096, size))
		die("open");
	memset(buf, 0x5a, size);
	write_all(fd, buf, size);
	if (fsync(fd))
		die("fsync");
	/*
	 * Two phases: the hot methods, then the cold ones.  The socket
	 * methods leave work behind them (reader processes exiting, freed
	 * socket memory), which made cold passes that followed them in the
	 * same round vary by a third; the cold phase starts after a pause.
	 */
	for (phase = 0; phase < 2; phase++) {
		if (phase) {
			sync();
			sleep(1);
		}
		perf_ctl("enable\n");
		for (a = 3; a < argc; a++) {
			chunk = atoi(argv[a]) * 1024UL;
			/* Warm the cache and the code once, then time five runs. */
			for (rep = 0; rep < 6; rep++)
				for (i = 0; i < nm; i++) {
					int cold = !strncmp(methods[i], "cold_", 5);

					if (!wanted(methods[i]) || cold != phase)
						continue;
					r = run(methods[i], path, fd, size, chunk, buf);
					if (rep && r > 0)
						printf("bench %s %s %zu %.1f\n", argv[1],
						       methods[i], chunk / 1024, r);
				}
			fflush(stdout);
		}
		perf_ctl("disable\n");
	}
	unlink(path);
	strncat(path, ".dst", sizeof(path) - strlen(path) - 1);
	unlink(path);
	return 0;
}
