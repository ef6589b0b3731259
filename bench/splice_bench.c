// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of ways to move file or user data to /dev/null, in one run,
 * so that ratios between them are meaningful even under emulation.
 *
 * usage: splice_bench DIR [FILE_MIB] [CHUNK_KIB...]
 * Prints: "bench DIR METHOD CHUNK_KIB MIB_PER_S" lines.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
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

/* Drain a pipe into /dev/null without copying. */
static void drain(int pfd, int null, size_t len)
{
	while (len) {
		ssize_t n = splice(pfd, NULL, null, NULL, len, 0);

		if (n <= 0)
			die("splice to /dev/null");
		len -= n;
	}
}

static double run(const char *method, int fd, size_t size, size_t chunk,
		  char *buf)
{
	int null = open("/dev/null", O_WRONLY), p[2];
	size_t done;
	loff_t off;
	double t0;

	if (null < 0 || pipe(p))
		die("setup");
	if (fcntl(p[1], F_SETPIPE_SZ, 2 * chunk < 65536 ? 65536 : 2 * chunk) < 0)
		die("F_SETPIPE_SZ");
	if (!strncmp(method, "cold_", 5)) {
		/* One pass over a file that is not cached. */
		method += 5;
		if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED))
			die("fadvise");
	}
	t0 = now();
	for (done = 0; done < size; done += chunk) {
		ssize_t n;

		if (!strcmp(method, "read_write")) {
			n = pread(fd, buf, chunk, done);
			if (n != (ssize_t)chunk || write(null, buf, n) != n)
				die("read+write");
		} else if (!strncmp(method, "splice", 6)) {
			off = done;
			n = splice(fd, &off, p[1], NULL, chunk,
				   strcmp(method, "splice_move") ? 0 : SPLICE_F_MOVE);
			if (n != (ssize_t)chunk)
				die("splice file to pipe");
			drain(p[0], null, n);
		} else if (!strcmp(method, "vmsplice")) {
			struct iovec iov = { buf, chunk };

			n = vmsplice(p[1], &iov, 1, 0);
			if (n != (ssize_t)chunk)
				die("vmsplice");
			drain(p[0], null, n);
		} else if (!strcmp(method, "remap_pages")) {
			/*
			 * What handing the caller's pages to the pipe would
			 * cost at the least: the pages leave the caller's
			 * page tables (with a TLB flush) and fresh ones are
			 * faulted in when it next stores there.
			 */
			size_t i;

			if (madvise(buf, chunk, MADV_DONTNEED))
				die("madvise");
			for (i = 0; i < chunk; i += 4096)
				((char *)buf)[i] = 1;
		} else if (!strcmp(method, "write_pipe")) {
			n = write(p[1], buf, chunk);
			if (n != (ssize_t)chunk)
				die("write to pipe");
			drain(p[0], null, n);
		}
	}
	t0 = now() - t0;
	close(p[0]);
	close(p[1]);
	close(null);
	return size / MIB / t0;
}

int main(int argc, char **argv)
{
	static const char * const methods[] = {
		"read_write", "splice", "write_pipe", "vmsplice", "remap_pages",
		"cold_read_write", "cold_splice", "cold_splice_move",
	};
	size_t size, chunk, i, rep;
	char path[4096];
	void *buf;
	int fd, a;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR [FILE_MIB] [CHUNK_KIB...]\n", argv[0]);
		return 2;
	}
	size = (argc > 2 ? atoi(argv[2]) : 64) * MIB;
	snprintf(path, sizeof(path), "%s/splice_bench.dat", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || posix_memalign(&buf, 4096, size))
		die("open");
	memset(buf, 0x5a, size);
	if (write(fd, buf, size) != (ssize_t)size || fsync(fd))
		die("write");
	for (a = 3; a < argc || a == 3; a++) {
		chunk = (a < argc ? atoi(argv[a]) : 64) * 1024;
		/* Warm the cache and the code once, then measure three times. */
		for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
			run(methods[i], fd, size, chunk, buf);
		for (rep = 0; rep < 3; rep++)
			for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
				printf("bench %s %s %zu %.1f\n", argv[1], methods[i],
				       chunk / 1024,
				       run(methods[i], fd, size, chunk, buf));
	}
	unlink(path);
	return 0;
}
