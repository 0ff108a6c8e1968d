// The stream path's freeze without sentinel: six processes sleeping (one
// in its own session, as a daemon would be), SIGSTOP sent to each, then
// /proc polled every 20 us until all six show stopped, as
// BenchmarkFreezeLatency polls. 200 rounds; p50 and p99.
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <fcntl.h>
#include <sys/wait.h>
static double now(void){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec*1e6+t.tv_nsec/1e3;}
static int stopped(int pid){char p[64],b[512];snprintf(p,64,"/proc/%d/stat",pid);int fd=open(p,O_RDONLY);if(fd<0)return 1;int n=read(fd,b,511);close(fd);if(n<=0)return 1;b[n]=0;char*c=strrchr(b,')');return c&&c[2]=='T';}
static int cmp(const void*a,const void*b){double x=*(double*)a,y=*(double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
	int rounds=200; double *d=malloc(rounds*sizeof(double));
	for(int r=0;r<rounds;r++){
		int pids[6];
		for(int i=0;i<6;i++){pids[i]=fork(); if(pids[i]==0){ if(i==5) setsid(); for(;;) pause(); }}
		usleep(20000); // let them reach sleep
		double t0=now();
		for(int i=0;i<6;i++) kill(pids[i],SIGSTOP);
		for(;;){int all=1;for(int i=0;i<6;i++) if(!stopped(pids[i])){all=0;break;} if(all)break; struct timespec ts={0,20000}; nanosleep(&ts,0);}
		d[r]=now()-t0;
		for(int i=0;i<6;i++){kill(pids[i],SIGKILL);} for(int i=0;i<6;i++) waitpid(pids[i],0,0);
	}
	qsort(d,rounds,sizeof(double),cmp);
	printf("C: SIGSTOP to 6 sleeping processes until /proc shows all stopped: p50 %.0f us, p99 %.0f us, max %.0f us\n",d[rounds/2],d[rounds*99/100],d[rounds-1]);
}
