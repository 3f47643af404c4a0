/* Tandem's syscall numbers, shared by the kernel's table and the process
 * side's glue. The numbering is the project's own (ARCHITECTURE.md 2) and
 * identical on both architectures. Arguments travel in registers as on
 * Linux (amd64: rax = number, rdi, rsi, rdx, r10, r8, r9; arm64: x8 =
 * number, x0..x5); the result is a value or a negative errno.
 * Numbers are never reused; a retired call keeps its slot as ENOSYS. */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

/* processes */
#define SYS_exit            1
#define SYS_exit_group      2
#define SYS_fork            3
#define SYS_execve          4
#define SYS_wait4           5
#define SYS_getpid          6
#define SYS_getppid         7
#define SYS_gettid          8
#define SYS_kill            9
#define SYS_tgkill          10
#define SYS_setsid          11
#define SYS_getsid          12
#define SYS_setpgid         13
#define SYS_getpgid         14
#define SYS_thread_create   15
#define SYS_thread_exit     16
#define SYS_futex           17
#define SYS_set_tls         18
#define SYS_getuid          19
#define SYS_getgid          20
#define SYS_uname           21
#define SYS_reboot          22

/* memory */
#define SYS_brk             30
#define SYS_mmap            31
#define SYS_munmap          32
#define SYS_mprotect        33

/* signals */
#define SYS_sigaction       40
#define SYS_sigprocmask     41
#define SYS_sigpending      42
#define SYS_sigsuspend      43
#define SYS_sigaltstack     44
#define SYS_sigreturn       45
#define SYS_alarm           46
#define SYS_setitimer       47
#define SYS_getitimer       48
#define SYS_pause           49

/* time */
#define SYS_clock_gettime   60
#define SYS_gettimeofday    61
#define SYS_nanosleep       62
#define SYS_times           63

/* files */
#define SYS_openat          80
#define SYS_close           81
#define SYS_read            82
#define SYS_write           83
#define SYS_pread           84
#define SYS_pwrite          85
#define SYS_readv           86
#define SYS_writev          87
#define SYS_lseek           88
#define SYS_dup             89
#define SYS_dup3            90
#define SYS_fcntl           91
#define SYS_fstatat         92
#define SYS_fstat           93
#define SYS_getdents        94
#define SYS_mkdirat         95
#define SYS_unlinkat        96
#define SYS_renameat        97
#define SYS_linkat          98
#define SYS_symlinkat       99
#define SYS_readlinkat      100
#define SYS_chdir           101
#define SYS_fchdir          102
#define SYS_getcwd          103
#define SYS_fchmodat        104
#define SYS_truncate        105
#define SYS_ftruncate       106
#define SYS_umask           107
#define SYS_faccessat       108
#define SYS_pipe2           109
#define SYS_mknodat         110
#define SYS_poll            111
#define SYS_select          112
#define SYS_ioctl           113
#define SYS_fsync           114
#define SYS_sync            115
#define SYS_mount           116
#define SYS_umount          117
#define SYS_fchmod          118

/* sockets */
#define SYS_socket          130
#define SYS_bind            131
#define SYS_listen          132
#define SYS_accept          133
#define SYS_connect         134
#define SYS_sendto          135
#define SYS_recvfrom        136
#define SYS_shutdown        137
#define SYS_getsockopt      138
#define SYS_setsockopt      139
#define SYS_getsockname     140
#define SYS_getpeername     141
#define SYS_getaddrinfo     142

#define SYS_COUNT           160

#endif
