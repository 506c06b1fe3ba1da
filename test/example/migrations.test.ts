/**
 * The example app's own migration tests: the few lines a team adds to its suite.
 */
import { resolve } from 'node:path';
import config from '../../mikro-orm.config';
import { describeMigrations } from '../../src/testing';
import { testServer } from '../support/database';

describeMigrations('example app migrations', {
  path: resolve(__dirname, '../../migrations'),
  orm: config,
  serverUrl: async () => (await testServer()).url,
});
