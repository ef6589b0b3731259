// SPDX-License-Identifier: GPL-2.0
/*
 * sockmem: the memory that sendfile() into TCP connections with a reader
 * that does not read keeps, on the running kernel.
 *
 *   sockmem DIR CONNS KIB [tcp|closed|unix]
 *
 * Writes DIR/sockmem.dat (KIB KiB, left in the page cache), opens CONNS
 * TCP connections over loopback (closed: with a 64 KiB receive buffer, so
 * that the data waits in the sender's queue) or AF_UNIX socket pairs,
 * and sendfile()s the whole file into each,
 * non-blocking, until the socket takes no more.  Nobody reads.  Then it
 * prints, as "# sockmem KEY VALUE" lines: the bytes still queued (SIOCOUTQ
 * of the senders plus SIOCINQ of the receivers), and how far free memory
 * (MemFree and the per-cpu free lists) fell and the kernel's TCP memory
 * (/proc/net/sockstat "mem", pages) rose from before the first
 * sendfile(); then both again once every socket is closed.  On a kernel where splice queues the page cache itself the
 * queued bytes are references to the file's pages; where it copies, each
 * connection holds a copy of what is queued on it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

static long meminfo_kib(const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = atol(line + n + 1);
	if (f)
		fclose(f);
	return v;
}

static long tcp_mem_pages(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/net/sockstat", "r");

	while (f && fgets(line, sizeof(line), f)) {
		char *m = strstr(line, " mem ");

		if (!strncmp(line, "TCP:", 4) && m)
			v = atol(m + 5);
	}
	if (f)
		fclose(f);
	return v;
}

/*
 * Free memory: MemFree plus the pages on the per-cpu free lists (the
 * "count:" lines of /proc/zoneinfo), where freed pages wait and which
 * MemFree leaves out; they grow by tens of MB when many pages are freed
 * at once, as when the sockets close.
 */
static long free_kib(void)
{
	long n, kib = meminfo_kib("MemFree");
	char line[256];
	FILE *f = fopen("/proc/zoneinfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			kib += n * (sysconf(_SC_PAGESIZE) / 1024);
	if (f)
		fclose(f);
	return kib;
}

/* Free memory once deferred frees have settled. */
static long settled_free(void)
{
	sync();
	usleep(500000);
	return free_kib();
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t salen = sizeof(sa);
	long free0, free1, free2, mem0, mem1, mem2;
	long long outq = 0, inq = 0, sent = 0;
	int conns, lfd = -1, fd, i, *c, *s;
	const char *kind = "tcp";
	int small = 64 * 1024;
	size_t size;
	char path[4096];
	char *buf;

	if (argc != 4 && argc != 5) {
		fprintf(stderr, "usage: %s DIR CONNS KIB [tcp|closed|unix]\n",
			argv[0]);
		return 2;
	}
	if (argc == 5)
		kind = argv[4];
	conns = atoi(argv[2]);
	size = (size_t)atol(argv[3]) << 10;
	c = calloc(conns, sizeof(*c));
	s = calloc(conns, sizeof(*s));
	buf = malloc(size);
	if (!c || !s || !buf)
		die("malloc");
	memset(buf, 'x', size);
	snprintf(path, sizeof(path), "%s/sockmem.dat", argv[1]);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, buf, size) != (ssize_t)size || fsync(fd))
		die(path);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (strcmp(kind, "unix")) {
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		/*
		 * closed: a 64 KiB receive buffer, inherited by the accepted
		 * sockets, closes the window early, so that what is queued
		 * waits unsent in the sender's queue, as for a slow client
		 * across a network.
		 */
		if (lfd < 0 || (!strcmp(kind, "closed") &&
				setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small,
					   sizeof(small))) ||
		    bind(lfd, (void *)&sa, sizeof(sa)) ||
		    listen(lfd, conns) ||
		    getsockname(lfd, (void *)&sa, &salen))
			die("listen");
	}
	for (i = 0; i < conns; i++) {
		if (!strcmp(kind, "unix")) {
			int sv[2];

			if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
				die("socketpair");
			c[i] = sv[0];
			s[i] = sv[1];
			fcntl(c[i], F_SETFL, O_NONBLOCK);
			continue;
		}
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (c[i] < 0 || connect(c[i], (void *)&sa, sizeof(sa)))
			die("connect");
		s[i] = accept(lfd, NULL, NULL);
		if (s[i] < 0)
			die("accept");
		fcntl(c[i], F_SETFL, O_NONBLOCK);
	}

	free0 = settled_free();
	mem0 = tcp_mem_pages();
	for (i = 0; i < conns; i++) {
		off_t off = 0;

		while ((size_t)off < size) {
			ssize_t n = sendfile(c[i], fd, &off, size - off);

			if (n <= 0) {
				if (n < 0 && errno != EAGAIN)
					die("sendfile");
				break;
			}
		}
		sent += off;
	}
	free1 = settled_free();
	mem1 = tcp_mem_pages();
	for (i = 0; i < conns; i++) {
		int q;

		/* An AF_UNIX sender's SIOCOUTQ counts the peer's queue too. */
		if (strcmp(kind, "unix") && !ioctl(c[i], SIOCOUTQ, &q))
			outq += q;
		if (!ioctl(s[i], SIOCINQ, &q))
			inq += q;
	}
	for (i = 0; i < conns; i++) {
		close(c[i]);
		close(s[i]);
	}
	if (lfd >= 0)
		close(lfd);
	free2 = settled_free();
	mem2 = tcp_mem_pages();

	printf("# sockmem conns %d\n", conns);
	printf("# sockmem kind %s\n", kind);
	printf("# sockmem file_kib %zu\n", size >> 10);
	printf("# sockmem sent_kib %lld\n", sent >> 10);
	printf("# sockmem queued_kib %lld\n", (outq + inq) >> 10);
	printf("# sockmem free_drop_kib %ld\n", free0 - free1);
	printf("# sockmem tcp_mem_kib %ld\n", (mem1 - mem0) * 4);
	printf("# sockmem free_after_close_drop_kib %ld\n", free0 - free2);
	printf("# sockmem tcp_mem_after_close_kib %ld\n", (mem2 - mem0) * 4);
	close(fd);
	unlink(path);
	return 0;
}
