#include "clua.h"
void clua_pop(lua_State *L, int n) { lua_pop(L, n); }
