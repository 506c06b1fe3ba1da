/**
 * The example app's MikroORM config: the plugin replaces MikroORM's migrator, so
 * `npx mikro-orm migration:*` works on the revision graph in `migrations/`.
 *
 * In your own project, import from 'mikro-orm-alembic' and leave out `importFrom` (new revisions then
 * import `Revision` from 'mikro-orm-alembic'). Here, inside the package's repository, both point at
 * the sources: `./src` from this file, `../src` from a revision in `migrations/`.
 */
import { defineConfig } from '@mikro-orm/postgresql';
import { alembic } from './src';
import * as entities from './entities';

export default defineConfig({
  clientUrl: process.env.DATABASE_URL,
  entities: Object.values(entities),
  extensions: [alembic({ path: 'migrations', importFrom: '../src' })],
});
