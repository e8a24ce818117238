#ifndef CLUA_SHIMS_H
#define CLUA_SHIMS_H
/*
 * The C side of LuaBridge. Everything here exists for one of three reasons:
 *   1. the Lua API entry point is a macro, which Swift cannot import;
 *   2. the code may raise a Lua error (longjmp), which must never unwind
 *      through Swift frames: hooks, the allocator and every raising function
 *      live here, and Swift only ever returns a status;
 *   3. the code runs inside Lua's allocator or hooks, where calling back into
 *      Swift would cost more than the work itself.
 */
#include <lua.h>
#include <lauxlib.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* MARK: - Per-state context (allocator ud) */

/* Why a call ended early; read by Swift after clua_call returns. */
enum clua_stop {
    CLUA_STOP_NONE = 0,
    CLUA_STOP_BUDGET = 1,
    CLUA_STOP_DEADLINE = 2,
};

/*
 * Swift's dispatcher for functions registered in Lua. It receives the state
 * and the opaque box of the Swift closure, pushes its results, and returns 0,
 * or pushes an error message and returns -1; the C trampoline then raises.
 */
typedef int (*clua_dispatch_fn)(lua_State *L, void *box);
/* Releases the retained Swift object of a userdata handle (its __gc). */
typedef void (*clua_release_fn)(void *box);
/*
 * Receives a script's print(...): the values joined by tabs (cut at
 * CLUA_MAX_PRINT bytes), and where it was called ("extract.lua:12:").
 * Must not raise; it never sees stdout.
 */
typedef void (*clua_print_fn)(void *owner, const char *where, const char *line, size_t len);

/*
 * One per lua_State, passed as the allocator's ud so that the allocator and
 * the hook reach it without a registry lookup.
 */
typedef struct clua_context {
    /* memory */
    size_t used;
    size_t limit;
    int enforcing;   /* the cap applies only while Lua code runs */
    int memory_hit;  /* an allocation was refused since the last reset */
    size_t handle_bytes; /* charged to `used` for call-scoped handles, until the call ends */
    /* budget of the current call */
    int64_t instruction_limit;
    int64_t instructions;
    double timeout;   /* seconds a call may run */
    double deadline;  /* CLOCK_MONOTONIC seconds, set when the outermost call starts */
    int stop;         /* enum clua_stop */
    int hook_interval;
    int depth;        /* clua_call nesting (a Swift function calling Lua) */
    /* the watchdog (clua_watchdog.c): its list of calls in progress, under its lock */
    volatile sig_atomic_t alarm; /* set by the alarm signal: the hook checks the clock now */
    void *watch_next;
    uint64_t watch_seq;      /* this call's number, carried by the signal */
    uintptr_t watch_thread;  /* the pthread_t running the call */
    int watch_alarmed;       /* the signal was sent */
    /* Swift callbacks, and the owning Swift LuaState (unretained) */
    clua_dispatch_fn dispatch;
    clua_release_fn release;
    clua_print_fn print; /* NULL: print(...) is dropped */
    void *owner;
} clua_context;

/* Creates a state whose allocator counts into ctx; NULL if malloc failed. */
lua_State *clua_newstate(clua_context *ctx);
/* Closes the state with a fresh budget, so a script's __gc cannot hang close. */
void clua_close(lua_State *L);
/* The context a state was created with. */
clua_context *clua_context_of(lua_State *L);
/* Seconds on the monotonic clock, the deadline's time base. */
double clua_now(void);

/* MARK: - Macros Swift cannot import (lua.h defines these as macros) */

int clua_registryindex(void);
int clua_upvalueindex(int i);
void clua_pop(lua_State *L, int n);
void clua_newtable(lua_State *L);
const char *clua_tostring(lua_State *L, int idx, size_t *len);
void clua_remove(lua_State *L, int idx);
void clua_insert(lua_State *L, int idx);
/* lua_gc is variadic, which Swift cannot call: a full collection. */
void clua_collect(lua_State *L);
/* lua_pushliteral and LUA_RIDX_GLOBALS: push the globals table (raw). */
void clua_pushglobaltable(lua_State *L);

/* MARK: - Protected calls (pcall itself is a macro over lua_pcallk) */

/*
 * Calls the function below nargs arguments in protected mode with a
 * traceback message handler, after arming the budget and the memory cap.
 * Returns the Lua status; ctx->stop tells a budget or deadline stop apart.
 * Stack: [-(nargs+1), +nresults or +1 (error message with traceback)].
 */
int clua_call(lua_State *L, int nargs, int nresults, int64_t instructions, double timeout_s);
/* Compiles a text chunk (never binary) with the cap armed. [-0, +1] */
int clua_load(lua_State *L, const char *source, size_t len, const char *chunkname);

/* MARK: - Swift functions and userdata (a raising C trampoline in front) */

/* Pushes a C closure whose upvalue is box; calling it runs ctx->dispatch. [-0, +1] */
void clua_push_swift_function(lua_State *L, void *box);
/*
 * Pushes a userdata holding a retained Swift object (box) and the token of the
 * call it belongs to (0: valid for the state's lifetime), with metatable
 * tname from the registry. [-0, +1]
 */
void clua_push_handle(lua_State *L, void *box, uint64_t token, const char *tname);
/* The box and token of a userdata of type tname at idx, or NULL. [-0, +0] */
void *clua_test_handle(lua_State *L, int idx, const char *tname, uint64_t *token);
/* Creates (or fetches) metatable tname with __gc releasing the box. [-0, +1] */
void clua_new_handle_metatable(lua_State *L, const char *tname);

/* MARK: - Sandbox */

/*
 * Opens the libraries scripts may see, minus what could escape the sandbox,
 * in protected mode. Returns the Lua status; on error the message is on top.
 */
int clua_open_sandbox(lua_State *L);
/* After the scripts loaded: creating a global raises; _G's metatable is locked. */
void clua_protect_globals(lua_State *L);

#endif
