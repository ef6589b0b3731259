// SPDX-License-Identifier: GPL-2.0
/*
 * compat_fuse: a small passthrough FUSE server built on Debian's own,
 * unmodified libfuse 3 (libfuse3-dev, linked statically), so that the
 * compatibility stage of make check drives the kernel the way libfuse
 * servers in the field do.
 *
 *   compat_fuse -m none|write|move BACKING_DIR MOUNTPOINT
 *
 * The mount shows the regular files of BACKING_DIR (flat, no
 * subdirectories).  Files whose names start with "direct" are opened
 * with direct_io, the others go through the page cache.
 *
 * READ is answered with fuse_reply_data() from the backing file
 * (FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK), as passthrough servers do:
 *   -m none   libfuse copies the data into its reply (no splice);
 *   -m write  FUSE_CAP_SPLICE_WRITE: libfuse vmsplice()s the reply
 *             header, splices the file into a pipe and the pipe into
 *             /dev/fuse, rewriting the header's len when the file comes
 *             up short at EOF;
 *   -m move   as write, plus FUSE_CAP_SPLICE_MOVE (SPLICE_F_MOVE on the
 *             splice to /dev/fuse) and FUSE_CAP_SPLICE_READ (requests,
 *             and so the data of WRITE, are spliced out of /dev/fuse).
 * WRITE is write_buf(): fuse_buf_copy() from the request to the file.
 *
 * It runs in the foreground until unmounted; libfuse's own messages
 * ("fuse: splice from pipe: ...") go to stderr, which the caller keeps.
 */
#define FUSE_USE_VERSION 34
#define _GNU_SOURCE
#include <fuse_lowlevel.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum mode { MODE_NONE, MODE_WRITE, MODE_MOVE };

static enum mode mode;
static int backing;		/* the backing directory */

/* FUSE inode N (N >= 2) is names[N - 2]; inode 1 is the root. */
#define MAX_NAMES 256
static char *names[MAX_NAMES];
static unsigned int nnames;

static fuse_ino_t ino_of(const char *name)
{
	unsigned int i;

	for (i = 0; i < nnames; i++)
		if (!strcmp(names[i], name))
			return i + 2;
	if (nnames == MAX_NAMES)
		return 0;
	names[nnames] = strdup(name);
	if (!names[nnames])
		return 0;
	return ++nnames + 1;
}

static const char *name_of(fuse_ino_t ino)
{
	if (ino < 2 || ino - 2 >= nnames)
		return NULL;
	return names[ino - 2];
}

static int stat_ino(fuse_ino_t ino, struct stat *st)
{
	const char *name;

	if (ino == FUSE_ROOT_ID) {
		if (fstat(backing, st))
			return errno;
	} else {
		name = name_of(ino);
		if (!name)
			return ENOENT;
		if (fstatat(backing, name, st, AT_SYMLINK_NOFOLLOW))
			return errno;
	}
	st->st_ino = ino;
	return 0;
}

/*
 * No attribute or entry caching: sizes change under writes.  Only names
 * that exist as regular files get an inode number, so that lookups of
 * missing names do not fill the table.
 */
static int fill_entry(const char *name, struct fuse_entry_param *e)
{
	memset(e, 0, sizeof(*e));
	if (fstatat(backing, name, &e->attr, AT_SYMLINK_NOFOLLOW))
		return errno;
	if (!S_ISREG(e->attr.st_mode))
		return ENOENT;
	e->ino = ino_of(name);
	if (!e->ino)
		return ENFILE;
	e->attr.st_ino = e->ino;
	return 0;
}

static void set_open_flags(const char *name, struct fuse_file_info *fi)
{
	fi->direct_io = !strncmp(name, "direct", 6);
	fi->keep_cache = 0;
}

static void cf_init(void *userdata, struct fuse_conn_info *conn)
{
	unsigned int want = 0;

	(void)userdata;
	if (mode >= MODE_WRITE)
		want |= FUSE_CAP_SPLICE_WRITE;
	if (mode >= MODE_MOVE)
		want |= FUSE_CAP_SPLICE_MOVE | FUSE_CAP_SPLICE_READ;
	if ((conn->capable & want) != want)
		fprintf(stderr,
			"compat_fuse: splice capabilities %#x not offered\n",
			want & ~conn->capable);
	/* libfuse turns splice read on by itself when write_buf is set. */
	conn->want &= ~(FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE |
			FUSE_CAP_SPLICE_READ);
	conn->want |= want & conn->capable;
	fprintf(stderr,
		"compat_fuse: proto 7.%u, splice write %d move %d read %d\n",
		conn->proto_minor, !!(conn->want & FUSE_CAP_SPLICE_WRITE),
		!!(conn->want & FUSE_CAP_SPLICE_MOVE),
		!!(conn->want & FUSE_CAP_SPLICE_READ));
}

static void cf_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	int err;

	if (parent != FUSE_ROOT_ID || strchr(name, '/')) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	err = fill_entry(name, &e);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_entry(req, &e);
}

static void cf_getattr(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	struct stat st;
	int err = stat_ino(ino, &st);

	(void)fi;
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, 0);
}

static void cf_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr,
		       int to_set, struct fuse_file_info *fi)
{
	const char *name = name_of(ino);
	struct stat st;
	int fd, err;

	if ((to_set & FUSE_SET_ATTR_SIZE) && name) {
		fd = fi ? (int)fi->fh : openat(backing, name, O_WRONLY);
		if (fd < 0 || ftruncate(fd, attr->st_size)) {
			fuse_reply_err(req, errno);
			if (!fi && fd >= 0)
				close(fd);
			return;
		}
		if (!fi)
			close(fd);
	}
	/* Modes, owners and times are the backing file's; not ours to set. */
	err = stat_ino(ino, &st);
	if (err)
		fuse_reply_err(req, err);
	else
		fuse_reply_attr(req, &st, 0);
}

static void cf_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	const char *name = name_of(ino);
	int fd;

	if (!name) {
		fuse_reply_err(req, ino == FUSE_ROOT_ID ? EISDIR : ENOENT);
		return;
	}
	/*
	 * The kernel sends the offset of every write, appends included;
	 * O_APPEND on the backing file would make pwrite() ignore it.
	 */
	fd = openat(backing, name,
		    fi->flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_APPEND));
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	fi->fh = fd;
	set_open_flags(name, fi);
	if (fuse_reply_open(req, fi))
		close(fd);
}

static void cf_create(fuse_req_t req, fuse_ino_t parent, const char *name,
		      mode_t fmode, struct fuse_file_info *fi)
{
	struct fuse_entry_param e;
	int fd, err;

	if (parent != FUSE_ROOT_ID || strchr(name, '/')) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	fd = openat(backing, name, (fi->flags & ~O_APPEND) | O_CREAT, fmode);
	if (fd < 0) {
		fuse_reply_err(req, errno);
		return;
	}
	err = fill_entry(name, &e);
	if (err) {
		close(fd);
		fuse_reply_err(req, err);
		return;
	}
	fi->fh = fd;
	set_open_flags(name, fi);
	if (fuse_reply_create(req, &e, fi))
		close(fd);
}

static void cf_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		    struct fuse_file_info *fi)
{
	struct fuse_bufvec data = FUSE_BUFVEC_INIT(size);

	(void)ino;
	data.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	data.buf[0].fd = (int)fi->fh;
	data.buf[0].pos = off;
	fuse_reply_data(req, &data,
			mode == MODE_MOVE ? FUSE_BUF_SPLICE_MOVE : 0);
}

static void cf_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in,
			 off_t off, struct fuse_file_info *fi)
{
	struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
	ssize_t n;

	(void)ino;
	out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
	out.buf[0].fd = (int)fi->fh;
	out.buf[0].pos = off;
	n = fuse_buf_copy(&out, in, 0);
	if (n < 0)
		fuse_reply_err(req, -n);
	else
		fuse_reply_write(req, n);
}

static void cf_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	(void)ino;
	(void)fi;
	fuse_reply_err(req, 0);
}

static void cf_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
		     struct fuse_file_info *fi)
{
	int fd = (int)fi->fh;

	(void)ino;
	if (datasync ? fdatasync(fd) : fsync(fd))
		fuse_reply_err(req, errno);
	else
		fuse_reply_err(req, 0);
}

static void cf_release(fuse_req_t req, fuse_ino_t ino,
		       struct fuse_file_info *fi)
{
	(void)ino;
	close((int)fi->fh);
	fuse_reply_err(req, 0);
}

static const struct fuse_lowlevel_ops ops = {
	.init		= cf_init,
	.lookup		= cf_lookup,
	.getattr	= cf_getattr,
	.setattr	= cf_setattr,
	.open		= cf_open,
	.create		= cf_create,
	.read		= cf_read,
	.write_buf	= cf_write_buf,
	.flush		= cf_flush,
	.fsync		= cf_fsync,
	.release	= cf_release,
};

static void usage(void)
{
	fprintf(stderr,
		"usage: compat_fuse -m none|write|move BACKING MOUNTPOINT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct fuse_args args = FUSE_ARGS_INIT(0, NULL);
	struct fuse_session *se;
	int opt, ret = 1;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			usage();
		if (!strcmp(optarg, "none"))
			mode = MODE_NONE;
		else if (!strcmp(optarg, "write"))
			mode = MODE_WRITE;
		else if (!strcmp(optarg, "move"))
			mode = MODE_MOVE;
		else
			usage();
	}
	if (argc - optind != 2)
		usage();
	backing = open(argv[optind], O_RDONLY | O_DIRECTORY);
	if (backing < 0) {
		perror(argv[optind]);
		return 1;
	}
	if (fuse_opt_add_arg(&args, "compat_fuse") ||
	    fuse_opt_add_arg(&args, "-o") ||
	    fuse_opt_add_arg(&args, "fsname=compat_fuse,subtype=compat"))
		return 1;
	se = fuse_session_new(&args, &ops, sizeof(ops), NULL);
	if (!se)
		return 1;
	if (fuse_set_signal_handlers(se) == 0) {
		if (fuse_session_mount(se, argv[optind + 1]) == 0) {
			ret = fuse_session_loop(se);
			fuse_session_unmount(se);
		}
		fuse_remove_signal_handlers(se);
	}
	fuse_session_destroy(se);
	fuse_opt_free_args(&args);
	return ret ? 1 : 0;
}
