//! System call numbers of Linux x86_64 and their names (from
//! linux-raw-sys), for the dispatch table and for logging unknown calls.

/// The name of system call `nr`, if Linux has one.
pub fn name(nr: usize) -> Option<&'static str> {
    NAMES.binary_search_by_key(&nr, |&(n, _)| n).ok().map(|i| NAMES[i].1)
}

/// Highest system call number Linux x86_64 defines.
pub const MAX: usize = 469;

const NAMES: &[(usize, &str)] = &[
    (0, "read"),
    (1, "write"),
    (2, "open"),
    (3, "close"),
    (4, "stat"),
    (5, "fstat"),
    (6, "lstat"),
    (7, "poll"),
    (8, "lseek"),
    (9, "mmap"),
    (10, "mprotect"),
    (11, "munmap"),
    (12, "brk"),
    (13, "rt_sigaction"),
    (14, "rt_sigprocmask"),
    (15, "rt_sigreturn"),
    (16, "ioctl"),
    (17, "pread64"),
    (18, "pwrite64"),
    (19, "readv"),
    (20, "writev"),
    (21, "access"),
    (22, "pipe"),
    (23, "select"),
    (24, "sched_yield"),
    (25, "mremap"),
    (26, "msync"),
    (27, "mincore"),
    (28, "madvise"),
    (29, "shmget"),
    (30, "shmat"),
    (31, "shmctl"),
    (32, "dup"),
    (33, "dup2"),
    (34, "pause"),
    (35, "nanosleep"),
    (36, "getitimer"),
    (37, "alarm"),
    (38, "setitimer"),
    (39, "getpid"),
    (40, "sendfile"),
    (41, "socket"),
    (42, "connect"),
    (43, "accept"),
    (44, "sendto"),
    (45, "recvfrom"),
    (46, "sendmsg"),
    (47, "recvmsg"),
    (48, "shutdown"),
    (49, "bind"),
    (50, "listen"),
    (51, "getsockname"),
    (52, "getpeername"),
    (53, "socketpair"),
    (54, "setsockopt"),
    (55, "getsockopt"),
    (56, "clone"),
    (57, "fork"),
    (58, "vfork"),
    (59, "execve"),
    (60, "exit"),
    (61, "wait4"),
    (62, "kill"),
    (63, "uname"),
    (64, "semget"),
    (65, "semop"),
    (66, "semctl"),
    (67, "shmdt"),
    (68, "msgget"),
    (69, "msgsnd"),
    (70, "msgrcv"),
    (71, "msgctl"),
    (72, "fcntl"),
    (73, "flock"),
    (74, "fsync"),
    (75, "fdatasync"),
    (76, "truncate"),
    (77, "ftruncate"),
    (78, "getdents"),
    (79, "getcwd"),
    (80, "chdir"),
    (81, "fchdir"),
    (82, "rename"),
    (83, "mkdir"),
    (84, "rmdir"),
    (85, "creat"),
    (86, "link"),
    (87, "unlink"),
    (88, "symlink"),
    (89, "readlink"),
    (90, "chmod"),
    (91, "fchmod"),
    (92, "chown"),
    (93, "fchown"),
    (94, "lchown"),
    (95, "umask"),
    (96, "gettimeofday"),
    (97, "getrlimit"),
    (98, "getrusage"),
    (99, "sysinfo"),
    (100, "times"),
    (101, "ptrace"),
    (102, "getuid"),
    (103, "syslog"),
    (104, "getgid"),
    (105, "setuid"),
    (106, "setgid"),
    (107, "geteuid"),
    (108, "getegid"),
    (109, "setpgid"),
    (110, "getppid"),
    (111, "getpgrp"),
    (112, "setsid"),
    (113, "setreuid"),
    (114, "setregid"),
    (115, "getgroups"),
    (116, "setgroups"),
    (117, "setresuid"),
    (118, "getresuid"),
    (119, "setresgid"),
    (120, "getresgid"),
    (121, "getpgid"),
    (122, "setfsuid"),
    (123, "setfsgid"),
    (124, "getsid"),
    (125, "capget"),
    (126, "capset"),
    (127, "rt_sigpending"),
    (128, "rt_sigtimedwait"),
    (129, "rt_sigqueueinfo"),
    (130, "rt_sigsuspend"),
    (131, "sigaltstack"),
    (132, "utime"),
    (133, "mknod"),
    (134, "uselib"),
    (135, "personality"),
    (136, "ustat"),
    (137, "statfs"),
    (138, "fstatfs"),
    (139, "sysfs"),
    (140, "getpriority"),
    (141, "setpriority"),
    (142, "sched_setparam"),
    (143, "sched_getparam"),
    (144, "sched_setscheduler"),
    (145, "sched_getscheduler"),
    (146, "sched_get_priority_max"),
    (147, "sched_get_priority_min"),
    (148, "sched_rr_get_interval"),
    (149, "mlock"),
    (150, "munlock"),
    (151, "mlockall"),
    (152, "munlockall"),
    (153, "vhangup"),
    (154, "modify_ldt"),
    (155, "pivot_root"),
    (156, "_sysctl"),
    (157, "prctl"),
    (158, "arch_prctl"),
    (159, "adjtimex"),
    (160, "setrlimit"),
    (161, "chroot"),
    (162, "sync"),
    (163, "acct"),
    (164, "settimeofday"),
    (165, "mount"),
    (166, "umount2"),
    (167, "swapon"),
    (168, "swapoff"),
    (169, "reboot"),
    (170, "sethostname"),
    (171, "setdomainname"),
    (172, "iopl"),
    (173, "ioperm"),
    (174, "create_module"),
    (175, "init_module"),
    (176, "delete_module"),
    (177, "get_kernel_syms"),
    (178, "query_module"),
    (179, "quotactl"),
    (180, "nfsservctl"),
    (181, "getpmsg"),
    (182, "putpmsg"),
    (183, "afs_syscall"),
    (184, "tuxcall"),
    (185, "security"),
    (186, "gettid"),
    (187, "readahead"),
    (188, "setxattr"),
    (189, "lsetxattr"),
    (190, "fsetxattr"),
    (191, "getxattr"),
    (192, "lgetxattr"),
    (193, "fgetxattr"),
    (194, "listxattr"),
    (195, "llistxattr"),
    (196, "flistxattr"),
    (197, "removexattr"),
    (198, "lremovexattr"),
    (199, "fremovexattr"),
    (200, "tkill"),
    (201, "time"),
    (202, "futex"),
    (203, "sched_setaffinity"),
    (204, "sched_getaffinity"),
    (205, "set_thread_area"),
    (206, "io_setup"),
    (207, "io_destroy"),
    (208, "io_getevents"),
    (209, "io_submit"),
    (210, "io_cancel"),
    (211, "get_thread_area"),
    (212, "lookup_dcookie"),
    (213, "epoll_create"),
    (214, "epoll_ctl_old"),
    (215, "epoll_wait_old"),
    (216, "remap_file_pages"),
    (217, "getdents64"),
    (218, "set_tid_address"),
    (219, "restart_syscall"),
    (220, "semtimedop"),
    (221, "fadvise64"),
    (222, "timer_create"),
    (223, "timer_settime"),
    (224, "timer_gettime"),
    (225, "timer_getoverrun"),
    (226, "timer_delete"),
    (227, "clock_settime"),
    (228, "clock_gettime"),
    (229, "clock_getres"),
    (230, "clock_nanosleep"),
    (231, "exit_group"),
    (232, "epoll_wait"),
    (233, "epoll_ctl"),
    (234, "tgkill"),
    (235, "utimes"),
    (236, "vserver"),
    (237, "mbind"),
    (238, "set_mempolicy"),
    (239, "get_mempolicy"),
    (240, "mq_open"),
    (241, "mq_unlink"),
    (242, "mq_timedsend"),
    (243, "mq_timedreceive"),
    (244, "mq_notify"),
    (245, "mq_getsetattr"),
    (246, "kexec_load"),
    (247, "waitid"),
    (248, "add_key"),
    (249, "request_key"),
    (250, "keyctl"),
    (251, "ioprio_set"),
    (252, "ioprio_get"),
    (253, "inotify_init"),
    (254, "inotify_add_watch"),
    (255, "inotify_rm_watch"),
    (256, "migrate_pages"),
    (257, "openat"),
    (258, "mkdirat"),
    (259, "mknodat"),
    (260, "fchownat"),
    (261, "futimesat"),
    (262, "newfstatat"),
    (263, "unlinkat"),
    (264, "renameat"),
    (265, "linkat"),
    (266, "symlinkat"),
    (267, "readlinkat"),
    (268, "fchmodat"),
    (269, "faccessat"),
    (270, "pselect6"),
    (271, "ppoll"),
    (272, "unshare"),
    (273, "set_robust_list"),
    (274, "get_robust_list"),
    (275, "splice"),
    (276, "tee"),
    (277, "sync_file_range"),
    (278, "vmsplice"),
    (279, "move_pages"),
    (280, "utimensat"),
    (281, "epoll_pwait"),
    (282, "signalfd"),
    (283, "timerfd_create"),
    (284, "eventfd"),
    (285, "fallocate"),
    (286, "timerfd_settime"),
    (287, "timerfd_gettime"),
    (288, "accept4"),
    (289, "signalfd4"),
    (290, "eventfd2"),
    (291, "epoll_create1"),
    (292, "dup3"),
    (293, "pipe2"),
    (294, "inotify_init1"),
    (295, "preadv"),
    (296, "pwritev"),
    (297, "rt_tgsigqueueinfo"),
    (298, "perf_event_open"),
    (299, "recvmmsg"),
    (300, "fanotify_init"),
    (301, "fanotify_mark"),
    (302, "prlimit64"),
    (303, "name_to_handle_at"),
    (304, "open_by_handle_at"),
    (305, "clock_adjtime"),
    (306, "syncfs"),
    (307, "sendmmsg"),
    (308, "setns"),
    (309, "getcpu"),
    (310, "process_vm_readv"),
    (311, "process_vm_writev"),
    (312, "kcmp"),
    (313, "finit_module"),
    (314, "sched_setattr"),
    (315, "sched_getattr"),
    (316, "renameat2"),
    (317, "seccomp"),
    (318, "getrandom"),
    (319, "memfd_create"),
    (320, "kexec_file_load"),
    (321, "bpf"),
    (322, "execveat"),
    (323, "userfaultfd"),
    (324, "membarrier"),
    (325, "mlock2"),
    (326, "copy_file_range"),
    (327, "preadv2"),
    (328, "pwritev2"),
    (329, "pkey_mprotect"),
    (330, "pkey_alloc"),
    (331, "pkey_free"),
    (332, "statx"),
    (333, "io_pgetevents"),
    (334, "rseq"),
    (335, "uretprobe"),
    (424, "pidfd_send_signal"),
    (425, "io_uring_setup"),
    (426, "io_uring_enter"),
    (427, "io_uring_register"),
    (428, "open_tree"),
    (429, "move_mount"),
    (430, "fsopen"),
    (431, "fsconfig"),
    (432, "fsmount"),
    (433, "fspick"),
    (434, "pidfd_open"),
    (435, "clone3"),
    (436, "close_range"),
    (437, "openat2"),
    (438, "pidfd_getfd"),
    (439, "faccessat2"),
    (440, "process_madvise"),
    (441, "epoll_pwait2"),
    (442, "mount_setattr"),
    (443, "quotactl_fd"),
    (444, "landlock_create_ruleset"),
    (445, "landlock_add_rule"),
    (446, "landlock_restrict_self"),
    (447, "memfd_secret"),
    (448, "process_mrelease"),
    (449, "futex_waitv"),
    (450, "set_mempolicy_home_node"),
    (451, "cachestat"),
    (452, "fchmodat2"),
    (453, "map_shadow_stack"),
    (454, "futex_wake"),
    (455, "futex_wait"),
    (456, "futex_requeue"),
    (457, "statmount"),
    (458, "listmount"),
    (459, "lsm_get_self_attr"),
    (460, "lsm_set_self_attr"),
    (461, "lsm_list_modules"),
    (462, "mseal"),
    (463, "setxattrat"),
    (464, "getxattrat"),
    (465, "listxattrat"),
    (466, "removexattrat"),
    (467, "open_tree_attr"),
    (468, "file_getattr"),
    (469, "file_setattr"),
];

pub const READ: usize = 0;
pub const WRITE: usize = 1;
pub const OPEN: usize = 2;
pub const CLOSE: usize = 3;
pub const STAT: usize = 4;
pub const FSTAT: usize = 5;
pub const LSTAT: usize = 6;
pub const POLL: usize = 7;
pub const LSEEK: usize = 8;
pub const MMAP: usize = 9;
pub const MPROTECT: usize = 10;
pub const MUNMAP: usize = 11;
pub const BRK: usize = 12;
pub const RT_SIGACTION: usize = 13;
pub const RT_SIGPROCMASK: usize = 14;
pub const RT_SIGRETURN: usize = 15;
pub const IOCTL: usize = 16;
pub const PREAD64: usize = 17;
pub const PWRITE64: usize = 18;
pub const READV: usize = 19;
pub const WRITEV: usize = 20;
pub const ACCESS: usize = 21;
pub const PIPE: usize = 22;
pub const SELECT: usize = 23;
pub const SCHED_YIELD: usize = 24;
pub const MREMAP: usize = 25;
pub const MSYNC: usize = 26;
pub const MINCORE: usize = 27;
pub const MADVISE: usize = 28;
pub const SHMGET: usize = 29;
pub const SHMAT: usize = 30;
pub const SHMCTL: usize = 31;
pub const DUP: usize = 32;
pub const DUP2: usize = 33;
pub const PAUSE: usize = 34;
pub const NANOSLEEP: usize = 35;
pub const GETITIMER: usize = 36;
pub const ALARM: usize = 37;
pub const SETITIMER: usize = 38;
pub const GETPID: usize = 39;
pub const SENDFILE: usize = 40;
pub const SOCKET: usize = 41;
pub const CONNECT: usize = 42;
pub const ACCEPT: usize = 43;
pub const SENDTO: usize = 44;
pub const RECVFROM: usize = 45;
pub const SENDMSG: usize = 46;
pub const RECVMSG: usize = 47;
pub const SHUTDOWN: usize = 48;
pub const BIND: usize = 49;
pub const LISTEN: usize = 50;
pub const GETSOCKNAME: usize = 51;
pub const GETPEERNAME: usize = 52;
pub const SOCKETPAIR: usize = 53;
pub const SETSOCKOPT: usize = 54;
pub const GETSOCKOPT: usize = 55;
pub const CLONE: usize = 56;
pub const FORK: usize = 57;
pub const VFORK: usize = 58;
pub const EXECVE: usize = 59;
pub const EXIT: usize = 60;
pub const WAIT4: usize = 61;
pub const KILL: usize = 62;
pub const UNAME: usize = 63;
pub const SEMGET: usize = 64;
pub const SEMOP: usize = 65;
pub const SEMCTL: usize = 66;
pub const SHMDT: usize = 67;
pub const MSGGET: usize = 68;
pub const MSGSND: usize = 69;
pub const MSGRCV: usize = 70;
pub const MSGCTL: usize = 71;
pub const FCNTL: usize = 72;
pub const FLOCK: usize = 73;
pub const FSYNC: usize = 74;
pub const FDATASYNC: usize = 75;
pub const TRUNCATE: usize = 76;
pub const FTRUNCATE: usize = 77;
pub const GETDENTS: usize = 78;
pub const GETCWD: usize = 79;
pub const CHDIR: usize = 80;
pub const FCHDIR: usize = 81;
pub const RENAME: usize = 82;
pub const MKDIR: usize = 83;
pub const RMDIR: usize = 84;
pub const CREAT: usize = 85;
pub const LINK: usize = 86;
pub const UNLINK: usize = 87;
pub const SYMLINK: usize = 88;
pub const READLINK: usize = 89;
pub const CHMOD: usize = 90;
pub const FCHMOD: usize = 91;
pub const CHOWN: usize = 92;
pub const FCHOWN: usize = 93;
pub const LCHOWN: usize = 94;
pub const UMASK: usize = 95;
pub const GETTIMEOFDAY: usize = 96;
pub const GETRLIMIT: usize = 97;
pub const GETRUSAGE: usize = 98;
pub const SYSINFO: usize = 99;
pub const TIMES: usize = 100;
pub const PTRACE: usize = 101;
pub const GETUID: usize = 102;
pub const SYSLOG: usize = 103;
pub const GETGID: usize = 104;
pub const SETUID: usize = 105;
pub const SETGID: usize = 106;
pub const GETEUID: usize = 107;
pub const GETEGID: usize = 108;
pub const SETPGID: usize = 109;
pub const GETPPID: usize = 110;
pub const GETPGRP: usize = 111;
pub const SETSID: usize = 112;
pub const SETREUID: usize = 113;
pub const SETREGID: usize = 114;
pub const GETGROUPS: usize = 115;
pub const SETGROUPS: usize = 116;
pub const SETRESUID: usize = 117;
pub const GETRESUID: usize = 118;
pub const SETRESGID: usize = 119;
pub const GETRESGID: usize = 120;
pub const GETPGID: usize = 121;
pub const SETFSUID: usize = 122;
pub const SETFSGID: usize = 123;
pub const GETSID: usize = 124;
pub const CAPGET: usize = 125;
pub const CAPSET: usize = 126;
pub const RT_SIGPENDING: usize = 127;
pub const RT_SIGTIMEDWAIT: usize = 128;
pub const RT_SIGQUEUEINFO: usize = 129;
pub const RT_SIGSUSPEND: usize = 130;
pub const SIGALTSTACK: usize = 131;
pub const UTIME: usize = 132;
pub const MKNOD: usize = 133;
pub const USELIB: usize = 134;
pub const PERSONALITY: usize = 135;
pub const USTAT: usize = 136;
pub const STATFS: usize = 137;
pub const FSTATFS: usize = 138;
pub const SYSFS: usize = 139;
pub const GETPRIORITY: usize = 140;
pub const SETPRIORITY: usize = 141;
pub const SCHED_SETPARAM: usize = 142;
pub const SCHED_GETPARAM: usize = 143;
pub const SCHED_SETSCHEDULER: usize = 144;
pub const SCHED_GETSCHEDULER: usize = 145;
pub const SCHED_GET_PRIORITY_MAX: usize = 146;
pub const SCHED_GET_PRIORITY_MIN: usize = 147;
pub const SCHED_RR_GET_INTERVAL: usize = 148;
pub const MLOCK: usize = 149;
pub const MUNLOCK: usize = 150;
pub const MLOCKALL: usize = 151;
pub const MUNLOCKALL: usize = 152;
pub const VHANGUP: usize = 153;
pub const MODIFY_LDT: usize = 154;
pub const PIVOT_ROOT: usize = 155;
pub const _SYSCTL: usize = 156;
pub const PRCTL: usize = 157;
pub const ARCH_PRCTL: usize = 158;
pub const ADJTIMEX: usize = 159;
pub const SETRLIMIT: usize = 160;
pub const CHROOT: usize = 161;
pub const SYNC: usize = 162;
pub const ACCT: usize = 163;
pub const SETTIMEOFDAY: usize = 164;
pub const MOUNT: usize = 165;
pub const UMOUNT2: usize = 166;
pub const SWAPON: usize = 167;
pub const SWAPOFF: usize = 168;
pub const REBOOT: usize = 169;
pub const SETHOSTNAME: usize = 170;
pub const SETDOMAINNAME: usize = 171;
pub const IOPL: usize = 172;
pub const IOPERM: usize = 173;
pub const CREATE_MODULE: usize = 174;
pub const INIT_MODULE: usize = 175;
pub const DELETE_MODULE: usize = 176;
pub const GET_KERNEL_SYMS: usize = 177;
pub const QUERY_MODULE: usize = 178;
pub const QUOTACTL: usize = 179;
pub const NFSSERVCTL: usize = 180;
pub const GETPMSG: usize = 181;
pub const PUTPMSG: usize = 182;
pub const AFS_SYSCALL: usize = 183;
pub const TUXCALL: usize = 184;
pub const SECURITY: usize = 185;
pub const GETTID: usize = 186;
pub const READAHEAD: usize = 187;
pub const SETXATTR: usize = 188;
pub const LSETXATTR: usize = 189;
pub const FSETXATTR: usize = 190;
pub const GETXATTR: usize = 191;
pub const LGETXATTR: usize = 192;
pub const FGETXATTR: usize = 193;
pub const LISTXATTR: usize = 194;
pub const LLISTXATTR: usize = 195;
pub const FLISTXATTR: usize = 196;
pub const REMOVEXATTR: usize = 197;
pub const LREMOVEXATTR: usize = 198;
pub const FREMOVEXATTR: usize = 199;
pub const TKILL: usize = 200;
pub const TIME: usize = 201;
pub const FUTEX: usize = 202;
pub const SCHED_SETAFFINITY: usize = 203;
pub const SCHED_GETAFFINITY: usize = 204;
pub const SET_THREAD_AREA: usize = 205;
pub const IO_SETUP: usize = 206;
pub const IO_DESTROY: usize = 207;
pub const IO_GETEVENTS: usize = 208;
pub const IO_SUBMIT: usize = 209;
pub const IO_CANCEL: usize = 210;
pub const GET_THREAD_AREA: usize = 211;
pub const LOOKUP_DCOOKIE: usize = 212;
pub const EPOLL_CREATE: usize = 213;
pub const EPOLL_CTL_OLD: usize = 214;
pub const EPOLL_WAIT_OLD: usize = 215;
pub const REMAP_FILE_PAGES: usize = 216;
pub const GETDENTS64: usize = 217;
pub const SET_TID_ADDRESS: usize = 218;
pub const RESTART_SYSCALL: usize = 219;
pub const SEMTIMEDOP: usize = 220;
pub const FADVISE64: usize = 221;
pub const TIMER_CREATE: usize = 222;
pub const TIMER_SETTIME: usize = 223;
pub const TIMER_GETTIME: usize = 224;
pub const TIMER_GETOVERRUN: usize = 225;
pub const TIMER_DELETE: usize = 226;
pub const CLOCK_SETTIME: usize = 227;
pub const CLOCK_GETTIME: usize = 228;
pub const CLOCK_GETRES: usize = 229;
pub const CLOCK_NANOSLEEP: usize = 230;
pub const EXIT_GROUP: usize = 231;
pub const EPOLL_WAIT: usize = 232;
pub const EPOLL_CTL: usize = 233;
pub const TGKILL: usize = 234;
pub const UTIMES: usize = 235;
pub const VSERVER: usize = 236;
pub const MBIND: usize = 237;
pub const SET_MEMPOLICY: usize = 238;
pub const GET_MEMPOLICY: usize = 239;
pub const MQ_OPEN: usize = 240;
pub const MQ_UNLINK: usize = 241;
pub const MQ_TIMEDSEND: usize = 242;
pub const MQ_TIMEDRECEIVE: usize = 243;
pub const MQ_NOTIFY: usize = 244;
pub const MQ_GETSETATTR: usize = 245;
pub const KEXEC_LOAD: usize = 246;
pub const WAITID: usize = 247;
pub const ADD_KEY: usize = 248;
pub const REQUEST_KEY: usize = 249;
pub const KEYCTL: usize = 250;
pub const IOPRIO_SET: usize = 251;
pub const IOPRIO_GET: usize = 252;
pub const INOTIFY_INIT: usize = 253;
pub const INOTIFY_ADD_WATCH: usize = 254;
pub const INOTIFY_RM_WATCH: usize = 255;
pub const MIGRATE_PAGES: usize = 256;
pub const OPENAT: usize = 257;
pub const MKDIRAT: usize = 258;
pub const MKNODAT: usize = 259;
pub const FCHOWNAT: usize = 260;
pub const FUTIMESAT: usize = 261;
pub const NEWFSTATAT: usize = 262;
pub const UNLINKAT: usize = 263;
pub const RENAMEAT: usize = 264;
pub const LINKAT: usize = 265;
pub const SYMLINKAT: usize = 266;
pub const READLINKAT: usize = 267;
pub const FCHMODAT: usize = 268;
pub const FACCESSAT: usize = 269;
pub const PSELECT6: usize = 270;
pub const PPOLL: usize = 271;
pub const UNSHARE: usize = 272;
pub const SET_ROBUST_LIST: usize = 273;
pub const GET_ROBUST_LIST: usize = 274;
pub const SPLICE: usize = 275;
pub const TEE: usize = 276;
pub const SYNC_FILE_RANGE: usize = 277;
pub const VMSPLICE: usize = 278;
pub const MOVE_PAGES: usize = 279;
pub const UTIMENSAT: usize = 280;
pub const EPOLL_PWAIT: usize = 281;
pub const SIGNALFD: usize = 282;
pub const TIMERFD_CREATE: usize = 283;
pub const EVENTFD: usize = 284;
pub const FALLOCATE: usize = 285;
pub const TIMERFD_SETTIME: usize = 286;
pub const TIMERFD_GETTIME: usize = 287;
pub const ACCEPT4: usize = 288;
pub const SIGNALFD4: usize = 289;
pub const EVENTFD2: usize = 290;
pub const EPOLL_CREATE1: usize = 291;
pub const DUP3: usize = 292;
pub const PIPE2: usize = 293;
pub const INOTIFY_INIT1: usize = 294;
pub const PREADV: usize = 295;
pub const PWRITEV: usize = 296;
pub const RT_TGSIGQUEUEINFO: usize = 297;
pub const PERF_EVENT_OPEN: usize = 298;
pub const RECVMMSG: usize = 299;
pub const FANOTIFY_INIT: usize = 300;
pub const FANOTIFY_MARK: usize = 301;
pub const PRLIMIT64: usize = 302;
pub const NAME_TO_HANDLE_AT: usize = 303;
pub const OPEN_BY_HANDLE_AT: usize = 304;
pub const CLOCK_ADJTIME: usize = 305;
pub const SYNCFS: usize = 306;
pub const SENDMMSG: usize = 307;
pub const SETNS: usize = 308;
pub const GETCPU: usize = 309;
pub const PROCESS_VM_READV: usize = 310;
pub const PROCESS_VM_WRITEV: usize = 311;
pub const KCMP: usize = 312;
pub const FINIT_MODULE: usize = 313;
pub const SCHED_SETATTR: usize = 314;
pub const SCHED_GETATTR: usize = 315;
pub const RENAMEAT2: usize = 316;
pub const SECCOMP: usize = 317;
pub const GETRANDOM: usize = 318;
pub const MEMFD_CREATE: usize = 319;
pub const KEXEC_FILE_LOAD: usize = 320;
pub const BPF: usize = 321;
pub const EXECVEAT: usize = 322;
pub const USERFAULTFD: usize = 323;
pub const MEMBARRIER: usize = 324;
pub const MLOCK2: usize = 325;
pub const COPY_FILE_RANGE: usize = 326;
pub const PREADV2: usize = 327;
pub const PWRITEV2: usize = 328;
pub const PKEY_MPROTECT: usize = 329;
pub const PKEY_ALLOC: usize = 330;
pub const PKEY_FREE: usize = 331;
pub const STATX: usize = 332;
pub const IO_PGETEVENTS: usize = 333;
pub const RSEQ: usize = 334;
pub const URETPROBE: usize = 335;
pub const PIDFD_SEND_SIGNAL: usize = 424;
pub const IO_URING_SETUP: usize = 425;
pub const IO_URING_ENTER: usize = 426;
pub const IO_URING_REGISTER: usize = 427;
pub const OPEN_TREE: usize = 428;
pub const MOVE_MOUNT: usize = 429;
pub const FSOPEN: usize = 430;
pub const FSCONFIG: usize = 431;
pub const FSMOUNT: usize = 432;
pub const FSPICK: usize = 433;
pub const PIDFD_OPEN: usize = 434;
pub const CLONE3: usize = 435;
pub const CLOSE_RANGE: usize = 436;
pub const OPENAT2: usize = 437;
pub const PIDFD_GETFD: usize = 438;
pub const FACCESSAT2: usize = 439;
pub const PROCESS_MADVISE: usize = 440;
pub const EPOLL_PWAIT2: usize = 441;
pub const MOUNT_SETATTR: usize = 442;
pub const QUOTACTL_FD: usize = 443;
pub const LANDLOCK_CREATE_RULESET: usize = 444;
pub const LANDLOCK_ADD_RULE: usize = 445;
pub const LANDLOCK_RESTRICT_SELF: usize = 446;
pub const MEMFD_SECRET: usize = 447;
pub const PROCESS_MRELEASE: usize = 448;
pub const FUTEX_WAITV: usize = 449;
pub const SET_MEMPOLICY_HOME_NODE: usize = 450;
pub const CACHESTAT: usize = 451;
pub const FCHMODAT2: usize = 452;
pub const MAP_SHADOW_STACK: usize = 453;
pub const FUTEX_WAKE: usize = 454;
pub const FUTEX_WAIT: usize = 455;
pub const FUTEX_REQUEUE: usize = 456;
pub const STATMOUNT: usize = 457;
pub const LISTMOUNT: usize = 458;
pub const LSM_GET_SELF_ATTR: usize = 459;
pub const LSM_SET_SELF_ATTR: usize = 460;
pub const LSM_LIST_MODULES: usize = 461;
pub const MSEAL: usize = 462;
pub const SETXATTRAT: usize = 463;
pub const GETXATTRAT: usize = 464;
pub const LISTXATTRAT: usize = 465;
pub const REMOVEXATTRAT: usize = 466;
pub const OPEN_TREE_ATTR: usize = 467;
pub const FILE_GETATTR: usize = 468;
pub const FILE_SETATTR: usize = 469;
