#include "clua.h"

#include <lualib.h>
#include <string.h>

#include "clua_internal.h"

/* MARK: - Sandbox */

/*
 * setmetatable, refusing a metatable with a __gc field. Lua runs finalizers
 * with hooks off, at any allocation, during a reload and at lua_close: a
 * loop in one would run outside every budget. Lua 5.4 marks an object for
 * finalization only when setmetatable sees __gc (a field added later is
 * ignored), and `debug` is not exposed, so this is the one way in.
 */
static int clua_sandbox_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL) {
            return luaL_error(L, "setmetatable: a metatable with __gc is not allowed (crawld scripts cannot install "
                                 "finalizers: they would run outside the call's deadline)");
        }
        lua_pop(L, 1);
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/*
 * collectgarbage with the options that cannot outlive the call: "collect",
 * "step", "count" and "isrunning". "stop", "incremental", "generational" and
 * the rest would change the collector of a state the next request reuses.
 */
static int clua_sandbox_collectgarbage(lua_State *L) {
    static const char *const allowed[] = {"collect", "step", "count", "isrunning", NULL};
    const char *option = luaL_optstring(L, 1, "collect");
    int i = 0;
    while (allowed[i] != NULL && strcmp(allowed[i], option) != 0) i++;
    if (allowed[i] == NULL) return luaL_error(L, "collectgarbage('%s') is not allowed in crawld scripts", option);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

/*
 * print(...) for scripts: the values as tostring shows them, tab-separated
 * and cut at CLUA_MAX_PRINT bytes, go to the state's print sink (Swift's
 * logger), never to stdout, which a full pipe would block.
 */
static int clua_sandbox_print(lua_State *L) {
    char line[CLUA_MAX_PRINT];
    size_t used = 0;
    int n = lua_gettop(L);
    for (int i = 1; i <= n && used < sizeof(line); i++) {
        size_t len = 0;
        const char *text = luaL_tolstring(L, i, &len);
        if (i > 1) line[used++] = '\t';
        if (len > sizeof(line) - used) len = sizeof(line) - used;
        memcpy(line + used, text, len);
        used += len;
        lua_pop(L, 1);
    }
    clua_context *ctx = clua_context_of(L);
    if (ctx->print != NULL) {
        luaL_where(L, 1);
        ctx->print(ctx->owner, lua_tostring(L, -1), line, used);
    }
    return 0;
}

/* Replaces global `name` with C closure f, whose upvalue is the original. */
static void clua_wrap_global(lua_State *L, const char *name, lua_CFunction f) {
    lua_getfield(L, -1, name);
    lua_pushcclosure(L, f, 1);
    lua_setfield(L, -2, name);
}

static int clua_open_sandbox_protected(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base}, {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, clua_open_table},
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
    lua_pushcfunction(L, clua_sandbox_load);
    lua_setfield(L, -2, "load");
    clua_wrap_global(L, "setmetatable", clua_sandbox_setmetatable);
    clua_wrap_global(L, "collectgarbage", clua_sandbox_collectgarbage);
    lua_pushcfunction(L, clua_sandbox_print);
    lua_setfield(L, -2, "print");
    lua_getfield(L, -1, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    clua_open_match(L);
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
