import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * One database per test file. The global setup migrates the template (DATABASE_URL, by default platforma_test);
 * each file gets a copy of it (CREATE DATABASE … TEMPLATE, about half a second) that nothing else uses, so suites
 * share the broker (each under a topic prefix of its own) but no table. The copies are dropped before and after a run.
 */
export const TEMPLATE_DATABASE_URL =
  process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma_test';

/** A new database copied from the template's; returns its URL. */
export function cloneTestDatabase(templateUrl = TEMPLATE_DATABASE_URL): string {
  const url = new URL(templateUrl);
  const template = databaseName(url);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  admin(url, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Drops every copy of the template (and the connections still open to them). */
export function dropTestDatabaseClones(templateUrl = TEMPLATE_DATABASE_URL): void {
  const url = new URL(templateUrl);
  const names = admin(
    url,
    `SELECT datname FROM pg_database WHERE datname ~ '^${databaseName(url)}_[0-9a-f]{8}$'`,
  )
    .split('\n')
    .filter(Boolean);
  for (const name of names) {
    admin(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }
}

function databaseName(url: URL): string {
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) {
    throw new Error(`test database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
  }
  return name;
}

function admin(url: URL, sql: string): string {
  const args = [
    '-h',
    url.hostname,
    '-p',
    url.port || '5432',
    '-U',
    decodeURIComponent(url.username || 'postgres'),
  ];
  return execFileSync('psql', [...args, '-d', 'postgres', '-qAtX', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}) },
  });
}
