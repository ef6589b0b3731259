// SPDX-License-Identifier: GPL-2.0
/*
 * mmap_cat FILE: write FILE to stdout through a private, read-only mapping,
 * so that the compatibility stage reads a FUSE file by page faults as
 * well as by read().  Private, because fuse refuses shared mappings of
 * direct_io files unless the server allows them, which libfuse 3.14
 * cannot.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct stat st;
	const char *p;
	ssize_t n;
	size_t done;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mmap_cat FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		perror(argv[1]);
		return 1;
	}
	if (!st.st_size)
		return 0;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (done = 0; done < (size_t)st.st_size; done += n) {
		n = write(1, p + done, st.st_size - done);
		if (n <= 0) {
			perror("write");
			return 1;
		}
	}
	return 0;
}
