/*
 * `load` for scripts: text chunks only (binary chunks can break the VM's
 * invariants), fed to the parser CLUA_LOAD_PIECE bytes at a time with a look
 * at the deadline before each piece. The parser runs no instructions for the
 * hook to count, and compiling megabytes takes long: 16 MB of "a=1" about a
 * second. A stop raised while compiling is caught by lua_load like any
 * parse error, so it is raised again once lua_load returns.
 *
 * After luaB_load, load_aux and generic_reader of Lua 5.4.4's lbaselib.c
 * (MIT; copyright notice in clua_match.c).
 */
#include "clua.h"

#include "clua_internal.h"

/* Bytes the parser gets between two looks at the deadline (a few ms of parsing). */
#define CLUA_LOAD_PIECE (64 * 1024)
/* Where a reader function's last piece is kept alive while the parser reads it. */
#define CLUA_LOAD_SLOT 5

typedef struct clua_pieces {
    const char *next; /* what the parser has not had yet of the current piece */
    size_t left;
    int from_function; /* refill from the reader function at index 1 */
} clua_pieces;

static const char *clua_read_pieces(lua_State *L, void *ud, size_t *size) {
    clua_pieces *pieces = (clua_pieces *)ud;
    if (pieces->left == 0 && pieces->from_function) {
        luaL_checkstack(L, 2, "too many nested functions");
        lua_pushvalue(L, 1);
        lua_call(L, 0, 1);
        if (lua_isnil(L, -1)) {
            lua_pop(L, 1);
            *size = 0;
            return NULL;
        }
        if (!lua_isstring(L, -1)) luaL_error(L, "reader function must return a string");
        lua_replace(L, CLUA_LOAD_SLOT);
        pieces->next = lua_tolstring(L, CLUA_LOAD_SLOT, &pieces->left);
    }
    if (pieces->left == 0) {
        *size = 0;
        return NULL;
    }
    clua_poll(L);
    size_t n = pieces->left < CLUA_LOAD_PIECE ? pieces->left : CLUA_LOAD_PIECE;
    const char *piece = pieces->next;
    pieces->next += n;
    pieces->left -= n;
    *size = n;
    return piece;
}

int clua_sandbox_load(lua_State *L) {
    size_t len = 0;
    const char *text = lua_tolstring(L, 1, &len);
    int env = !lua_isnone(L, 4) ? 4 : 0;
    clua_pieces pieces = {text, len, text == NULL};
    const char *chunkname;
    if (text != NULL) {
        chunkname = luaL_optstring(L, 2, text);
    } else {
        chunkname = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        lua_settop(L, CLUA_LOAD_SLOT);
    }
    int status = lua_load(L, clua_read_pieces, &pieces, chunkname, "t");
    if (clua_context_of(L)->stop != CLUA_STOP_NONE) clua_poll(L);
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (env != 0) {
        lua_pushvalue(L, env);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}
