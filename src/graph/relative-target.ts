/**
 * A relative target: `[branch@][symbol]+N` or `[branch@][symbol]-N` (`+2`, `-1`, `billing@+1`,
 * `ae10+2`, `head-1`). Like Alembic, only the start of the target must match.
 *
 * @internal
 */
export const RELATIVE_TARGET = /^(?:(.+?)@)?(\w+)?([+-]\d+)/;
