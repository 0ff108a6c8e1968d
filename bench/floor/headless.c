// headless: the least a recorded, scanned headless session can cost, in
// plain C with nothing else on the path, to compare with script(1) and with
// `sentinel run --headless` on the same machine (bench/floor/headless-run).
//
//	headless MODE CAST CMD [ARGS...]
//
// It starts CMD on a new PTY (session leader, controlling terminal, the
// PTY's default termios, as script(1) and sentinel do) and, in one thread
// with blocking reads, copies what CMD writes to stdout. MODE adds the work
// the issue asks of a headless session on top of the copy:
//
//	copy  nothing more: a PTY copier
//	rec   every read is also an asciicast v2 output event (timestamp,
//	      JSON-escaped bytes), written to CAST in 64 KiB writes and at
//	      least every 100 ms
//	scan  rec, and every byte also goes through a minimal stream scanner:
//	      escape sequences (CSI, OSC and other strings) dropped, printable
//	      text gathered into lines, each finished line searched for a few
//	      destructive words. It finds far less than sentinel's scanner; it
//	      stands for the smallest such pass over the bytes.
//
// stdin is not forwarded (the benchmark's agent reads none). Exit status:
// CMD's, or 128+N when killed by signal N.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

enum { COPY, REC, SCAN };

static int mode, castfd = -1;
static struct timespec t0;
static char *out; // encoded events not yet written
static size_t nout, capout;
static long long lastflush_ns;

static long long now_ns(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)(t.tv_sec - t0.tv_sec) * 1000000000LL + (t.tv_nsec - t0.tv_nsec);
}

static void die(const char *what) {
	perror(what);
	exit(1);
}

static void write_all(int fd, const char *p, size_t n) {
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += w;
		n -= (size_t)w;
	}
}

static void flush_cast(long long now) {
	if (nout > 0)
		write_all(castfd, out, nout);
	nout = 0;
	lastflush_ns = now;
}

// escapes[c]: what JSON needs in place of byte c, or NULL to copy it.
static const char *escapes[256];

static void init_escapes(void) {
	static char u[32][7];
	for (int c = 0; c < 32; c++) {
		snprintf(u[c], sizeof u[c], "\\u%04x", c);
		escapes[c] = u[c];
	}
	escapes['\n'] = "\\n";
	escapes['\r'] = "\\r";
	escapes['\t'] = "\\t";
	escapes['"'] = "\\\"";
	escapes['\\'] = "\\\\";
}

// record appends one output event. Bytes >= 0x80 are copied as they are
// (the workloads are ASCII; a real recorder also validates UTF-8).
static void record(const unsigned char *p, size_t n, long long now) {
	size_t need = nout + 6 * n + 64;
	if (need > capout) {
		capout = need * 2;
		out = realloc(out, capout);
		if (!out)
			die("realloc");
	}
	char *d = out + nout;
	d += sprintf(d, "[%lld.%06lld, \"o\", \"", now / 1000000000LL, (now / 1000) % 1000000);
	for (size_t i = 0; i < n; i++) {
		const char *e = escapes[p[i]];
		if (!e) {
			*d++ = (char)p[i];
			continue;
		}
		while (*e)
			*d++ = *e++;
	}
	*d++ = '"';
	*d++ = ']';
	*d++ = '\n';
	nout = (size_t)(d - out);
	if (nout >= 64 * 1024 || now - lastflush_ns >= 100000000LL)
		flush_cast(now);
}

// The minimal scanner.
enum { GROUND, ESC, CSI, STR, STRESC };
static int state = GROUND;
static char line[65536];
static size_t nline;
static unsigned long long lines, hits;

static void end_line(void) {
	static const char *words[] = {"rm -rf", "volumeDelete", "DROP TABLE", "mkfs", "--force"};
	line[nline] = 0;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (memmem(line, nline, words[i], strlen(words[i])))
			hits++;
	lines++;
	nline = 0;
}

static void scan(const unsigned char *p, size_t n) {
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		switch (state) {
		case GROUND:
			if (c >= 0x20 && c != 0x7f) {
				if (nline < sizeof line - 1)
					line[nline++] = (char)c;
			} else if (c == 0x1b) {
				state = ESC;
			} else if (c == '\n') {
				end_line();
			} else if (c == '\r') {
				// the cursor goes to column 0; the line is kept
			}
			break;
		case ESC:
			if (c == '[')
				state = CSI;
			else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
				state = STR;
			else
				state = GROUND;
			break;
		case CSI:
			if (c >= 0x40 && c <= 0x7e)
				state = GROUND;
			break;
		case STR:
			if (c == 0x07)
				state = GROUND;
			else if (c == 0x1b)
				state = STRESC;
			break;
		case STRESC:
			state = c == '\\' ? GROUND : STR;
			break;
		}
	}
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: headless copy|rec|scan CAST CMD [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "copy"))
		mode = COPY;
	else if (!strcmp(argv[1], "rec"))
		mode = REC;
	else if (!strcmp(argv[1], "scan"))
		mode = SCAN;
	else {
		fprintf(stderr, "headless: unknown mode %s (copy, rec, scan)\n", argv[1]);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	init_escapes();
	if (mode != COPY) {
		castfd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (castfd < 0)
			die(argv[2]);
		const char *h = "{\"version\": 2, \"width\": 80, \"height\": 24}\n";
		write_all(castfd, h, strlen(h));
	}

	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("posix_openpt");
	char *slave = ptsname(master);
	if (!slave)
		die("ptsname");
	struct winsize ws = {.ws_row = 24, .ws_col = 80};
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		setsid();
		int s = open(slave, O_RDWR);
		if (s < 0)
			die(slave);
		ioctl(s, TIOCSCTTY, 0);
		ioctl(s, TIOCSWINSZ, &ws);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		if (s > 2)
			close(s);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}

	static unsigned char buf[65536];
	for (;;) {
		ssize_t n = read(master, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; // EIO: every holder of the slave is gone
		write_all(1, (char *)buf, (size_t)n);
		if (mode >= REC)
			record(buf, (size_t)n, now_ns());
		if (mode == SCAN)
			scan(buf, (size_t)n);
	}
	if (mode != COPY) {
		flush_cast(now_ns());
		fsync(castfd);
		close(castfd);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (getenv("FLOOR_VERBOSE"))
		fprintf(stderr, "headless: %llu lines, %llu hits\n", lines, hits);
	return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
}
