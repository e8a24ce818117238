#include "clua.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clua_internal.h"

/* MARK: - State, allocator, panic */

double clua_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Lua's allocator. It always counts; it refuses growth past the cap only
 * while ctx->enforcing is set (Lua code running), so that values Swift pushes
 * between calls can never take the LUA_ERRMEM longjmp outside a pcall.
 */
static void *clua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    clua_context *ctx = (clua_context *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        ctx->used -= old;
        return NULL;
    }
    if (ctx->enforcing && nsize > old && ctx->used - old + nsize > ctx->limit) {
        ctx->memory_hit = 1;
        return NULL;
    }
    void *p = realloc(ptr, nsize);
    if (p != NULL) ctx->used = ctx->used - old + nsize;
    return p;
}

/* A raise outside any pcall: Lua aborts after this returns, so log first. */
static int clua_panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "crawld: unprotected Lua error, aborting: %s\n", msg ? msg : "(not a string)");
    fflush(stderr);
    return 0;
}

lua_State *clua_newstate(clua_context *ctx) {
    lua_State *L = lua_newstate(clua_alloc, ctx);
    if (L == NULL) return NULL;
    lua_atpanic(L, clua_panic);
    /* No budget armed: anything that runs outside clua_call (a finalizer
       during a push) stops at the first hook. */
    ctx->stop = CLUA_STOP_DEADLINE;
    lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, ctx->hook_interval);
    return L;
}

clua_context *clua_context_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (clua_context *)ud;
}

void clua_close(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    ctx->enforcing = 0;
    ctx->stop = CLUA_STOP_NONE;
    ctx->instructions = 0;
    ctx->timeout = 0.1;
    ctx->deadline = clua_now() + ctx->timeout;
    lua_sethook(L, clua_hook, LUA_MASKCOUNT, ctx->hook_interval);
    lua_close(L);
}

/* MARK: - Macros (lua.h defines these as macros or constant expressions) */

int clua_registryindex(void) { return LUA_REGISTRYINDEX; }
int clua_upvalueindex(int i) { return lua_upvalueindex(i); }
void clua_pop(lua_State *L, int n) { lua_pop(L, n); }
void clua_newtable(lua_State *L) { lua_newtable(L); }
const char *clua_tostring(lua_State *L, int idx, size_t *len) { return lua_tolstring(L, idx, len); }
void clua_remove(lua_State *L, int idx) { lua_remove(L, idx); }
void clua_insert(lua_State *L, int idx) { lua_insert(L, idx); }
void clua_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
void clua_collect(lua_State *L) { lua_gc(L, LUA_GCCOLLECT); }

/* MARK: - Budget hook (raises, so it lives in C) */

static int clua_raise_stop(lua_State *L, clua_context *ctx) {
    ctx->enforcing = 0; /* the message itself must not fail on the cap */
    if (ctx->stop == CLUA_STOP_BUDGET) {
        lua_pushfstring(L, "instruction budget exceeded after %I instructions", (lua_Integer)ctx->instructions);
    } else {
        lua_pushliteral(L, "wall-clock deadline exceeded");
    }
    ctx->enforcing = 1;
    return lua_error(L);
}

/*
 * Every hook_interval instructions: count, check the clock. Once a limit is
 * passed, fire on every instruction and raise each time (Redis's
 * luaMaskCountHook, which fires on every line), so a script's pcall cannot
 * swallow the stop and go on, not even to a `return` on the same line.
 */
void clua_hook(lua_State *L, lua_Debug *ar) {
    clua_context *ctx = clua_context_of(L);
    if (ctx->stop != CLUA_STOP_NONE) {
        clua_raise_stop(L, ctx);
        return;
    }
    if (ctx->alarm) {
        /* The watchdog's signal armed this hook for the next instruction
           (clua_watchdog.c); back to every hook_interval unless it is time. */
        ctx->alarm = 0;
        if (clua_now() <= ctx->deadline) {
            lua_sethook(L, clua_hook, LUA_MASKCOUNT, ctx->hook_interval);
            return;
        }
        ctx->stop = CLUA_STOP_DEADLINE;
        lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
        clua_raise_stop(L, ctx);
        return;
    }
    if (ar->event != LUA_HOOKCOUNT) return;
    ctx->instructions += ctx->hook_interval;
    if (ctx->instructions > ctx->instruction_limit) {
        ctx->stop = CLUA_STOP_BUDGET;
    } else if (clua_now() > ctx->deadline) {
        ctx->stop = CLUA_STOP_DEADLINE;
    } else {
        return;
    }
    lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    clua_raise_stop(L, ctx);
}

/* The hook's deadline check for C loops the hook never interrupts (see
   clua_internal.h). */
void clua_poll(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    if (ctx->stop == CLUA_STOP_NONE) {
        if (clua_now() <= ctx->deadline) return;
        ctx->stop = CLUA_STOP_DEADLINE;
        lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, 1);
    }
    clua_raise_stop(L, ctx);
}

/* MARK: - Protected calls */

/*
 * The message handler: "message\nstack traceback:\n...". An error object's
 * __tostring is script code: it runs protected, under the cap, the budget and
 * the deadline like any other, and when it fails the object's type stands in.
 * Only then is the cap lifted, for text of bounded size: the message cut to
 * CLUA_MAX_MESSAGE bytes and Lua's traceback (at most 22 levels).
 */
static int clua_msgh(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    size_t len = 0;
    const char *msg = lua_type(L, 1) == LUA_TSTRING ? lua_tolstring(L, 1, &len) : NULL;
    if (msg == NULL && lua_type(L, 1) == LUA_TNUMBER) msg = lua_tolstring(L, 1, &len);
    if (msg == NULL && luaL_getmetafield(L, 1, "__tostring") != LUA_TNIL) {
        lua_pushvalue(L, 1);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) msg = lua_tolstring(L, -1, &len);
    }
    int saved = ctx->enforcing;
    ctx->enforcing = 0;
    if (msg == NULL) {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    } else if (len > CLUA_MAX_MESSAGE) {
        lua_pushlstring(L, msg, CLUA_MAX_MESSAGE);
        msg = lua_pushfstring(L, "%s... (message cut, %I bytes in all)", lua_tostring(L, -1), (lua_Integer)len);
    }
    luaL_traceback(L, L, msg, 1);
    ctx->enforcing = saved;
    return 1;
}

int clua_call(lua_State *L, int nargs, int nresults, int64_t instructions, double timeout_s) {
    clua_context *ctx = clua_context_of(L);
    int base = lua_gettop(L) - nargs;
    lua_pushcfunction(L, clua_msgh);
    lua_insert(L, base);
    /* A call made by a Swift function that Lua called runs on the budget of
       the outermost call: nesting must not hand a script a fresh budget. */
    if (ctx->depth++ == 0) {
        ctx->instruction_limit = instructions;
        ctx->instructions = 0;
        ctx->timeout = timeout_s;
        ctx->stop = CLUA_STOP_NONE;
        ctx->memory_hit = 0;
        ctx->alarm = 0;
        if (lua_gethookmask(L) != LUA_MASKCOUNT) {
            lua_sethook(L, clua_hook, LUA_MASKCOUNT, ctx->hook_interval);
        }
        ctx->deadline = clua_now() + timeout_s;
        clua_watch_begin(L, ctx);
    }
    int saved = ctx->enforcing;
    ctx->enforcing = 1;
    int status = lua_pcall(L, nargs, nresults, base);
    ctx->enforcing = saved;
    /* A stop the script caught with pcall on its last instructions still ends the call. */
    if (status == LUA_OK && ctx->stop != CLUA_STOP_NONE && ctx->depth == 1) {
        lua_settop(L, base);
        lua_pushliteral(L, "wall-clock deadline exceeded");
        if (ctx->stop == CLUA_STOP_BUDGET) {
            lua_pop(L, 1);
            lua_pushfstring(L, "instruction budget exceeded after %I instructions", (lua_Integer)ctx->instructions);
        }
        status = LUA_ERRRUN;
    }
    if (--ctx->depth == 0) {
        clua_watch_end(ctx);
        /* The call is over: the Swift objects its handles kept alive go. */
        ctx->used -= ctx->handle_bytes;
        ctx->handle_bytes = 0;
    }
    lua_remove(L, base);
    return status;
}

int clua_load(lua_State *L, const char *source, size_t len, const char *chunkname) {
    clua_context *ctx = clua_context_of(L);
    ctx->memory_hit = 0;
    ctx->enforcing = 1;
    int status = luaL_loadbufferx(L, source, len, chunkname, "t");
    ctx->enforcing = 0;
    return status;
}

/* MARK: - Swift functions: Swift returns a status, this trampoline raises */

/*
 * Swift pushes its results with the cap off (a refused allocation would
 * longjmp through Swift), but they count: once Swift returns, a state past
 * its cap collects its garbage, and if it is still past, the results are
 * dropped and the script gets Lua's own "not enough memory", as if Lua had
 * made them. So `doc:text()` kept eighty times cannot hold eighty times the
 * page.
 */
static int clua_trampoline(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    void *box = lua_touserdata(L, lua_upvalueindex(1));
    int nargs = lua_gettop(L);
    int saved = ctx->enforcing;
    ctx->enforcing = 0; /* Swift pushes results uncapped: no longjmp into it */
    int status = ctx->dispatch(L, box);
    /* A Swift function that gave up at the deadline (an abandoned XPath) has raised or
       returned by then: the call stops as a deadline stop, not as that function's error,
       and before the script sees either. */
    if (ctx->depth > 0 && clua_now() > ctx->deadline) {
        ctx->enforcing = saved;
        clua_poll(L);
    }
    if (status == 0 && saved && ctx->used > ctx->limit) {
        lua_gc(L, LUA_GCCOLLECT);
        if (ctx->used > ctx->limit) {
            ctx->memory_hit = 1;
            lua_settop(L, nargs);
            lua_pushliteral(L, "not enough memory");
            status = -1;
        }
    }
    if (status < 0) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        ctx->enforcing = saved;
        return lua_error(L);
    }
    ctx->enforcing = saved;
    return lua_gettop(L) - nargs;
}

void clua_push_swift_function(lua_State *L, void *box) {
    lua_pushlightuserdata(L, box);
    lua_pushcclosure(L, clua_trampoline, 1);
}

/* MARK: - Userdata handles */

typedef struct clua_handle {
    void *box;
    uint64_t token;
} clua_handle;

static int clua_handle_gc(lua_State *L) {
    clua_handle *h = (clua_handle *)lua_touserdata(L, 1);
    if (h != NULL && h->box != NULL) {
        clua_context_of(L)->release(h->box);
        h->box = NULL;
    }
    return 0;
}

void clua_new_handle_metatable(lua_State *L, const char *tname) {
    if (luaL_newmetatable(L, tname) == 0) return;
    lua_pushcfunction(L, clua_handle_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
}

void clua_push_handle(lua_State *L, void *box, uint64_t token, const char *tname) {
    clua_handle *h = (clua_handle *)lua_newuserdatauv(L, sizeof(clua_handle), 0);
    h->box = box;
    h->token = token;
    luaL_setmetatable(L, tname);
    if (token != 0) {
        clua_context *ctx = clua_context_of(L);
        ctx->used += CLUA_HANDLE_BYTES;
        ctx->handle_bytes += CLUA_HANDLE_BYTES;
    }
}

void *clua_test_handle(lua_State *L, int idx, const char *tname, uint64_t *token) {
    clua_handle *h = (clua_handle *)luaL_testudata(L, idx, tname);
    if (h == NULL) return NULL;
    *token = h->token;
    return h->box;
}
