#ifndef CLUA_SHIMS_H
#define CLUA_SHIMS_H
#include <lua.h>
/* Lua API macros Swift cannot import are wrapped here as functions. */
void clua_pop(lua_State *L, int n);
#endif
