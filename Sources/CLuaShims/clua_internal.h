#ifndef CLUA_INTERNAL_H
#define CLUA_INTERNAL_H
/* What the C files of CLuaShims share and Swift never calls. */
#include <lua.h>

#include "clua.h"

/* Longest error message kept (the message handler cuts the rest). */
#define CLUA_MAX_MESSAGE 4096
/* Longest line print(...) hands to Swift (the rest is cut). */
#define CLUA_MAX_PRINT 1024
/*
 * What a handle pushed during a call costs besides its userdata: the Swift
 * object it keeps alive until the call ends (the Extractor's node wrapper,
 * its HTMLNode and its slot in the call's list), charged to the memory cap.
 */
#define CLUA_HANDLE_BYTES 96

/*
 * Why every call ends within its deadline + 100 ms, whatever the script runs
 * (the whole sandbox, function by function):
 *   - Lua code: the count hook checks the clock every hook_interval (1,000)
 *     instructions; past the deadline it fires on every line too, so a
 *     pcall cannot swallow the stop.
 *   - string.find, match, gmatch, gsub: the vendored matcher
 *     (clua_match.c) polls every 4,096 steps, a few tens of microseconds.
 *   - table.concat, insert, remove, move, sort: the vendored table library
 *     (clua_table.c) polls every 4,096 element steps or comparisons.
 *   - string.rep: empty copies return at once (Lua 5.4.4 looped n times);
 *     the copy loop polls; the result fits the memory cap.
 *   - load: the parser gets the chunk 64 KB at a time and the deadline is
 *     looked at before each piece (clua_load.c).
 *   - Everything else the sandbox offers (string.byte/char/sub/upper/lower/
 *     reverse/format/pack/unpack, utf8.*, tostring, tonumber,
 *     table.unpack, math, os.time/clock/date, collectgarbage's
 *     allowed options) does work linear in its arguments and result, which
 *     the memory cap bounds (byte, char and unpack also by Lua's stack of
 *     1,000,000 values): at the default 64 MiB, 0.1 s for the slowest
 *     (utf8.len over 60 MB); a larger cap lengthens it in proportion.
 *   - Finalizers: scripts cannot install any (clua_sandbox.c's
 *     setmetatable); the only ones are the handles' __gc, O(1) in C.
 *   - Swift functions the scripts call bound their own work (the HTML
 *     queries: issue 18's selector limits, not this layer's).
 *   - Between two count hooks up to 1,000 instructions run, and one may be
 *     such a linear pass (a loop of utf8.len over a 60 MB string, of long
 *     concatenations or comparisons): the watchdog (clua_watchdog.c) arms
 *     the hook for the next instruction within a tick (5 ms) of the
 *     deadline, so at most one of them runs past it.
 *
 * Called from long-running C loops (the pattern matcher, the table
 * functions): past the current call's deadline, or once the call was
 * stopped, raises the same error as the instruction hook and arms the hook
 * on every line so that a pcall cannot swallow it. Returns otherwise.
 */
void clua_poll(lua_State *L);

/* The count hook, also armed by the watchdog's signal. */
void clua_hook(lua_State *L, lua_Debug *ar);

/* Puts the outermost call that starts on this thread (ctx->deadline set)
   under the watchdog, and takes it off when it ends (clua_watchdog.c). */
void clua_watch_begin(lua_State *L, clua_context *ctx);
void clua_watch_end(clua_context *ctx);

/* Replaces string.find, match, gmatch, gsub and rep in the table on top with
   versions that poll (clua_match_lib.c). [-0, +0] */
void clua_open_match(lua_State *L);

/* The sandbox's `load`: text only, compiled in pieces that poll (clua_load.c). */
int clua_sandbox_load(lua_State *L);

/* Lua 5.4.4's table library with polling loops (clua_table.c). */
int clua_open_table(lua_State *L);

#endif
