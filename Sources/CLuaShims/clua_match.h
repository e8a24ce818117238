#ifndef CLUA_MATCH_H
#define CLUA_MATCH_H
/*
 * What the vendored pattern matcher (clua_match.c) and the string functions
 * built on it (clua_match_lib.c) share: Lua 5.4.4's MatchState and constants
 * from lstrlib.c, plus crawld's step countdown (marked CRAWLD). Private to
 * CLuaShims. Copyright notice: see clua_match.c.
 */
#include <stddef.h>

#include <lua.h>
#include <lauxlib.h>

#include "clua_internal.h"

#if !defined(LUA_MAXCAPTURES)
#define LUA_MAXCAPTURES		32
#endif

/* macro to 'unsign' a character */
#define uchar(c)	((unsigned char)(c))

#define CAP_UNFINISHED	(-1)
#define CAP_POSITION	(-2)

/* maximum recursion depth for 'match' */
#if !defined(MAXCCALLS)
#define MAXCCALLS	200
#endif

#define L_ESC		'%'
#define SPECIALS	"^$*+?.([%-"

/* CRAWLD: matcher steps between two checks of the deadline (a few tens of
   microseconds of matching at most). */
#define CLUA_MATCH_STEPS	4096

typedef struct MatchState {
  const char *src_init;  /* init of source string */
  const char *src_end;  /* end ('\0') of source string */
  const char *p_end;  /* end ('\0') of pattern */
  lua_State *L;
  int matchdepth;  /* control for recursive depth (to avoid C stack overflow) */
  unsigned char level;  /* total number of captures (finished or unfinished) */
  ptrdiff_t countdown;  /* CRAWLD: steps left before the next deadline check */
  struct {
    const char *init;
    ptrdiff_t len;
  } capture[LUA_MAXCAPTURES];
} MatchState;

/* CRAWLD: spends n steps; past the countdown, checks the deadline (may raise). */
#define clua_match_spend(ms, n) \
  do { if (((ms)->countdown -= (ptrdiff_t)(n)) <= 0) { \
         (ms)->countdown = CLUA_MATCH_STEPS; clua_poll((ms)->L); } } while (0)

/* CRAWLD: lstrlib's static 'match', under a name of its own in the binary. */
#define match clua_pattern_match
const char *match (MatchState *ms, const char *s, const char *p);

#endif
