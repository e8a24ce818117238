/*
 * The deadline's alarm clock.
 *
 * The count hook looks at the clock every 1,000 instructions, and one
 * instruction can be a pass over megabytes (utf8.len, a long concatenation or
 * comparison): a thousand of them could run for seconds past the deadline
 * before the next look. So a watchdog thread looks at the deadlines of the
 * calls in progress every CLUA_WATCH_TICK_NS and, once one has passed, sends
 * the thread running it a signal whose handler arms the hook for the very
 * next instruction. That is what lua_sethook is made for ("can be called
 * during a signal", ldebug.c); calling it from the watchdog's own thread
 * instead would walk the running state's call frames while they change.
 *
 * The signal carries the call's number, and the handler acts only when its
 * thread is still running that call, so a late signal never touches the next
 * one. A thread that blocks signals (libdispatch's workers do) gets this one
 * unblocked at its first call; the signal is only ever sent to a thread, never
 * to the process, so nothing else changes for it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "clua_internal.h"

/* Between two looks at the deadlines. */
#define CLUA_WATCH_TICK_NS (5 * 1000 * 1000)
/* The alarm: a real-time signal nothing else in crawld uses. */
#define CLUA_ALARM_SIGNAL (SIGRTMIN + 3)

_Static_assert(sizeof(pthread_t) <= sizeof(uintptr_t), "a pthread_t fits clua_context.watch_thread");

static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t watch_once = PTHREAD_ONCE_INIT;
static clua_context *watch_head = NULL; /* calls in progress */
static uint64_t watch_count = 0;
static int watch_running = 0;

/* The call this thread runs, for the signal handler: set and cleared under
   watch_lock, read by the handler on this same thread. */
static __thread lua_State *alarm_state __attribute__((tls_model("initial-exec")));
static __thread uint64_t alarm_seq __attribute__((tls_model("initial-exec")));
static __thread int alarm_unblocked __attribute__((tls_model("initial-exec")));

static void clua_alarm(int sig, siginfo_t *info, void *context) {
    (void)sig;
    (void)context;
    lua_State *L = alarm_state;
    if (L == NULL || (uint64_t)(uintptr_t)info->si_value.sival_ptr != alarm_seq) return;
    clua_context_of(L)->alarm = 1;
    lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
}

static void *clua_watchdog(void *unused) {
    (void)unused;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    const struct timespec tick = {0, CLUA_WATCH_TICK_NS};
    for (;;) {
        nanosleep(&tick, NULL);
        double now = clua_now();
        pthread_mutex_lock(&watch_lock);
        for (clua_context *ctx = watch_head; ctx != NULL; ctx = ctx->watch_next) {
            if (ctx->watch_alarmed || now <= ctx->deadline) continue;
            union sigval value;
            value.sival_ptr = (void *)(uintptr_t)ctx->watch_seq;
            pthread_sigqueue((pthread_t)ctx->watch_thread, CLUA_ALARM_SIGNAL, value);
            ctx->watch_alarmed = 1;
        }
        pthread_mutex_unlock(&watch_lock);
    }
    return NULL;
}

/* Installs the handler and starts the thread; without them the count hook
   alone keeps the deadline, as before. */
static void clua_watch_start(void) {
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_sigaction = clua_alarm;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    if (sigaction(CLUA_ALARM_SIGNAL, &action, NULL) != 0) return;
    pthread_t thread;
    if (pthread_create(&thread, NULL, clua_watchdog, NULL) != 0) return;
    pthread_detach(thread);
    watch_running = 1;
}

void clua_watch_begin(lua_State *L, clua_context *ctx) {
    pthread_once(&watch_once, clua_watch_start);
    if (!watch_running) return;
    if (!alarm_unblocked) {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, CLUA_ALARM_SIGNAL);
        pthread_sigmask(SIG_UNBLOCK, &set, NULL);
        alarm_unblocked = 1;
    }
    pthread_mutex_lock(&watch_lock);
    ctx->watch_seq = ++watch_count;
    ctx->watch_thread = (uintptr_t)pthread_self();
    ctx->watch_alarmed = 0;
    ctx->watch_next = watch_head;
    watch_head = ctx;
    alarm_seq = ctx->watch_seq;
    alarm_state = L;
    pthread_mutex_unlock(&watch_lock);
}

void clua_watch_end(clua_context *ctx) {
    if (!watch_running) return;
    pthread_mutex_lock(&watch_lock);
    clua_context **link = &watch_head;
    while (*link != NULL && *link != ctx) link = (clua_context **)&(*link)->watch_next;
    if (*link == ctx) *link = ctx->watch_next;
    alarm_state = NULL;
    pthread_mutex_unlock(&watch_lock);
}
