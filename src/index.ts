/**
 * mikro-orm-alembic: Alembic's revision graphs for MikroORM v6 on PostgreSQL.
 *
 * - `graph/`: the pure revision graph (heads, targets, plans, history).
 * - `script/`: revision files (discovery without import, the `Revision` base class, writing).
 * - `runtime/`: the version table, the advisory lock, the runner, offline SQL, stamp.
 * - `conflicts/`: whether the branches of several heads commute (the objects their SQL touches).
 * - `mikro/`: the MikroORM plugin (`extensions: [alembic()]`), behind `npx mikro-orm migration:*`.
 *
 * The database harness (embedded PostgreSQL, throw-away databases) is `mikro-orm-alembic/harness`.
 */
export { AlembicError } from './errors';
export * from './graph';
export * from './script';
export * from './runtime';
export * from './mikro';
export * from './adopt';
export * from './sqlparse';
export * from './lint';
export * from './fanout';
export * from './conflicts';
export * from './squash';
