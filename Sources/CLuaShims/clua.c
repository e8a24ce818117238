#include "clua.h"

#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

static void clua_hook(lua_State *L, lua_Debug *ar);

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
    ctx->deadline = 0;
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
 * passed, fire on every line too and raise each time (Redis's
 * luaMaskCountHook), so a script's pcall cannot swallow the stop and go on.
 */
static void clua_hook(lua_State *L, lua_Debug *ar) {
    clua_context *ctx = clua_context_of(L);
    if (ctx->stop != CLUA_STOP_NONE) {
        clua_raise_stop(L, ctx);
        return;
    }
    if (ar->event != LUA_HOOKCOUNT) return;
    ctx->instructions += ctx->hook_interval;
    if (ctx->deadline == 0) {
        /* The first check of this call starts its clock: calls shorter than
           one hook interval never pay for reading it. */
        ctx->deadline = clua_now() + ctx->timeout;
    }
    if (ctx->instructions > ctx->instruction_limit) {
        ctx->stop = CLUA_STOP_BUDGET;
    } else if (clua_now() > ctx->deadline) {
        ctx->stop = CLUA_STOP_DEADLINE;
    } else {
        return;
    }
    lua_sethook(L, clua_hook, LUA_MASKCOUNT | LUA_MASKLINE, ctx->hook_interval);
    clua_raise_stop(L, ctx);
}

/* MARK: - Protected calls */

/* The message handler: "message\nstack traceback:\n...", built uncapped. */
static int clua_msgh(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    int saved = ctx->enforcing;
    ctx->enforcing = 0;
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
            msg = lua_tostring(L, -1);
        } else {
            msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
        }
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
        ctx->deadline = 0;
        ctx->stop = CLUA_STOP_NONE;
        ctx->memory_hit = 0;
        if (lua_gethookmask(L) != LUA_MASKCOUNT) {
            lua_sethook(L, clua_hook, LUA_MASKCOUNT, ctx->hook_interval);
        }
    }
    int saved = ctx->enforcing;
    ctx->enforcing = 1;
    int status = lua_pcall(L, nargs, nresults, base);
    ctx->enforcing = saved;
    ctx->depth--;
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

static int clua_trampoline(lua_State *L) {
    clua_context *ctx = clua_context_of(L);
    void *box = lua_touserdata(L, lua_upvalueindex(1));
    int nargs = lua_gettop(L);
    int saved = ctx->enforcing;
    ctx->enforcing = 0; /* Swift pushes results uncapped: no longjmp into it */
    int status = ctx->dispatch(L, box);
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
}

void *clua_test_handle(lua_State *L, int idx, const char *tname, uint64_t *token) {
    clua_handle *h = (clua_handle *)luaL_testudata(L, idx, tname);
    if (h == NULL) return NULL;
    *token = h->token;
    return h->box;
}

/* MARK: - Sandbox */

/* `load` for text chunks only: binary chunks can break the VM's invariants. */
static int clua_sandbox_load(lua_State *L) {
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    if (n >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
    lua_pushliteral(L, "t");
    int args = 3;
    if (n >= 4) {
        lua_pushvalue(L, 4);
        args = 4;
    }
    lua_call(L, args, LUA_MULTRET);
    return lua_gettop(L) - n;
}

static int clua_open_sandbox_protected(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_OSLIBNAME, luaopen_os},
    };
    for (size_t i = 0; i < sizeof(libs) / sizeof(libs[0]); i++) {
        luaL_requiref(L, libs[i].name, libs[i].func, 1);
        lua_pop(L, 1);
    }
    lua_pushglobaltable(L);
    lua_pushnil(L);
    lua_setfield(L, -2, "dofile");
    lua_pushnil(L);
    lua_setfield(L, -2, "loadfile");
    lua_getfield(L, -1, "load");
    lua_pushcclosure(L, clua_sandbox_load, 1);
    lua_setfield(L, -2, "load");
    lua_getfield(L, -1, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_pop(L, 1);
    /* os: the clock and dates only; no execute, exit, getenv, remove, ... */
    lua_getfield(L, -1, LUA_OSLIBNAME);
    lua_createtable(L, 0, 3);
    static const char *const keep[] = {"time", "clock", "date"};
    for (int i = 0; i < 3; i++) {
        lua_getfield(L, -2, keep[i]);
        lua_setfield(L, -2, keep[i]);
    }
    lua_setfield(L, -3, LUA_OSLIBNAME);
    lua_pop(L, 2);
    return 0;
}

int clua_open_sandbox(lua_State *L) {
    lua_pushcfunction(L, clua_open_sandbox_protected);
    return lua_pcall(L, 0, 0, 0);
}

static int clua_global_newindex(lua_State *L) {
    return luaL_error(L, "attempt to create global '%s' (use a local variable)", luaL_tolstring(L, 2, NULL));
}

void clua_protect_globals(lua_State *L) {
    lua_pushglobaltable(L);
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, clua_global_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushliteral(L, "protected");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pop(L, 1);
}
