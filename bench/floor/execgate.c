// The exec gate's mechanism without sentinel: what a seccomp user
// notification on execve costs this machine when the supervisor does
// nothing but answer CONTINUE. A shell-free loop forks and execs /bin/true
// n times, then installs the filter (only on this thread and its children;
// the supervisor thread stays outside it) and does it again; per exec
// medians. With "s" the supervisor spins on poll(2) instead of blocking,
// which removes its own wake-up from the path.
#define _GNU_SOURCE
#include <linux/seccomp.h>
#include <linux/filter.h>
#include <linux/audit.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <time.h>
#include <poll.h>

static int lfd = -1;
static int spin = 0;
static void *super(void *arg) {
	struct seccomp_notif *req = calloc(1, 4096);
	struct seccomp_notif_resp *resp = calloc(1, 4096);
	for (;;) {
		if (spin) {
			struct pollfd p = {lfd, POLLIN, 0};
			while (poll(&p, 1, 0) == 0) ;
		}
		memset(req, 0, sizeof(*req));
		if (ioctl(lfd, SECCOMP_IOCTL_NOTIF_RECV, req) < 0) continue;
		resp->id = req->id; resp->error = 0; resp->val = 0;
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		ioctl(lfd, SECCOMP_IOCTL_NOTIF_SEND, resp);
	}
	return NULL;
}
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec*1e6+t.tv_nsec/1e3;}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
static double run(int n) {
	double *d = malloc(n*sizeof(double));
	for (int i = 0; i < n; i++) {
		double t0 = now();
		pid_t p = fork();
		if (p == 0) { execl("/bin/true", "true", NULL); _exit(127); }
		int st; waitpid(p, &st, 0);
		d[i] = now() - t0;
	}
	qsort(d, n, sizeof(double), cmp);
	double m = d[n/2]; free(d); return m;
}
int main(int argc, char **argv) {
	int n = 1000;
	spin = argc > 1 && argv[1][0] == 's';
	double plain = run(n);
	double again = run(n); // a second plain run: the noise between two runs of the same thing
	pthread_t th;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD|BPF_W|BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP|BPF_JEQ|BPF_K, SYS_execve, 0, 1),
		BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_USER_NOTIF),
		BPF_STMT(BPF_RET|BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {4, f};
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	lfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (lfd < 0) { perror("seccomp"); return 1; }
	pthread_create(&th, NULL, super, NULL);
	double gated = run(n);
	printf("%s: plain %.0f us/exec (again: %.0f), gated %.0f us/exec, added %.0f us\n", spin ? "spinning supervisor" : "blocking supervisor", plain, again, gated, gated - plain);
	return 0;
}
