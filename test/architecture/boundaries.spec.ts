import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SOURCE_MODULES } from '@app/contracts';
import { defineDomain } from '@app/messaging';
import { root, shippedSources } from './sources.js';

const DOMAINS: readonly string[] = SOURCE_MODULES;
/** Each domain's PostgreSQL schema, as its descriptor (`libs/<domain>/src/<domain>.domain.ts`) names it. */
const SCHEMAS = new Map(SOURCE_MODULES.map((d) => [d as string, defineDomain(d).schema]));
const libs = fileURLToPath(new URL('../../libs', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** A lib's own code: its tests may set up other schemas' rows. */
function code(lib: string): string[] {
  return sources(join(libs, lib, 'src')).filter((f) => !/\.(spec|integration-spec)\.ts$/.test(f));
}

const SQL_KEYWORD = /\b(SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|TRUNCATE|MERGE|CREATE|ALTER|DROP|LOCK|WITH)\b/;

/** The string and template literals of a source text that read as SQL (an uppercase keyword), comments left out. */
function sqlOf(text: string): string[] {
  const uncommented = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const literals: string[] = [];
  const rest = uncommented.replace(/`(?:[^`\\]|\\.)*`/g, (t) => {
    literals.push(t);
    return '``';
  });
  literals.push(...[...rest.matchAll(/'(?:[^'\\\n]|\\.)*'/g)].map((m) => m[0]));
  return literals.filter((l) => SQL_KEYWORD.test(l));
}

/** Schemas a SQL text names as `schema.table` (quoted or not); `${…}` for a schema the text computes. */
function schemasIn(sql: string): string[] {
  const named = [...sql.matchAll(/(?<![\w."$])"?([a-z_][a-z0-9_]*)"?\s*\.\s*"?[a-z_]/g)].map(
    (m) => m[1] ?? '',
  );
  const computed = /"?\$\{[^}]*\}"?\s*\.\s*"?[a-z_]/.test(sql) ? ['${…}'] : [];
  return [...named.filter((n) => [...SCHEMAS.values()].includes(n)), ...computed];
}

/** Statements that change data, structure or locks; a reader has none of them. */
const WRITE =
  /\b(INSERT\s+INTO|UPDATE\s+[\w."]+\s+SET|DELETE\s+FROM|TRUNCATE|MERGE\s+INTO|CREATE|ALTER|DROP|GRANT|FOR\s+(NO\s+KEY\s+)?UPDATE|FOR\s+(KEY\s+)?SHARE|nextval|setval)\b/i;

// Domains know each other only through @app/contracts events: a domain lib importing another is a defect.
describe('module boundaries', () => {
  it.each(DOMAINS)('%s imports no other domain lib and no kafkajs', (domain) => {
    const offending = sources(join(libs, domain, 'src')).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const imports = [...text.matchAll(/from\s+'([^']+)'/g)].map((m) => m[1] ?? '');
      return imports
        .filter(
          (i) =>
            DOMAINS.some((d) => d !== domain && i === `@app/${d}`) ||
            i === 'kafkajs' ||
            // A relative path that leaves the lib (its browser assets reach the lib's own views by ../../).
            (i.startsWith('.') && !resolve(dirname(file), i).startsWith(join(libs, domain, 'src') + sep)),
        )
        .map((i) => `${file}: ${i}`);
    });
    expect(offending).toEqual([]);
  });

  // Each domain owns its schema: no join across schemas, so a split app can get its own database.
  it.each(DOMAINS)('%s names no other domain’s schema in its SQL or its entities', (domain) => {
    const own = SCHEMAS.get(domain);
    const offending = code(domain).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const inSql = sqlOf(text).flatMap((sql) => schemasIn(sql).filter((s) => s !== own));
      const inEntities = [...text.matchAll(/\bschema:\s*'([^']*)'/g)]
        .map((m) => m[1] ?? '')
        .filter((s) => s !== own);
      return [...inSql, ...inEntities].map((s) => `${file}: ${s}`);
    });
    expect(offending).toEqual([]);
  });

  // One database per environment: KAFKA_TOPIC_PREFIX names topics and groups, no domain row carries it.
  it.each([...DOMAINS, 'reconcile'])('%s keeps the environment out of its tables and SQL', (lib) => {
    const offending = code(lib).flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const inSql = sqlOf(text).filter((sql) => /topic_prefix/i.test(sql));
      const inEntities =
        file.endsWith('.entity.ts') && /topic_?prefix/i.test(text) ? ['an entity column'] : [];
      return [...inSql, ...inEntities].map((what) => `${file}: ${what}`);
    });
    expect(offending).toEqual([]);
  });

  // The reconciler compares every domain's records, so it reads all schemas; it must never change one of them.
  it('reconcile reads the domains’ schemas and writes none of them', () => {
    const statements = code('reconcile').flatMap((file) =>
      sqlOf(readFileSync(file, 'utf8')).map((sql) => ({ file, sql })),
    );
    expect(statements.filter(({ sql }) => WRITE.test(sql)).map(({ file, sql }) => `${file}: ${sql}`)).toEqual(
      [],
    );
    // What it reads, so that the check above has something to see.
    const read = new Set(statements.flatMap(({ sql }) => schemasIn(sql)));
    expect([...read].filter((s) => s !== '${…}').sort()).toEqual(
      expect.arrayContaining(['audit', 'billing', 'orders', 'provisioning', 'saga']),
    );
  });

  it('reconcile imports no kafkajs and reaches no lib by a relative path', () => {
    const offending = code('reconcile').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/from\s+'([^']+)'/g)]
        .map((m) => m[1] ?? '')
        .filter((i) => i === 'kafkajs' || i.includes('../../'))
        .map((i) => `${file}: ${i}`),
    );
    expect(offending).toEqual([]);
  });

  // Jest's global setup is loaded without the moduleNameMapper, so it imports test/setup's code by its .ts name; the
  // build keeps specifiers as they are, so shipped code must name the .js it will run.
  it('shipped code imports no .ts file', () => {
    const offending = shippedSources().flatMap((path) =>
      [...readFileSync(join(root, path), 'utf8').matchAll(/from\s+'(\.{1,2}\/[^']+\.ts)'/g)].map(
        (m) => `${path}: ${m[1]}`,
      ),
    );
    expect(offending).toEqual([]);
    expect(shippedSources().length).toBeGreaterThan(100);
  });

  it('finds the domain libs it checks', () => {
    expect(DOMAINS.every((d) => sources(join(libs, d, 'src')).length > 0)).toBe(true);
    expect(code('reconcile').length).toBeGreaterThan(0);
  });

  it('sees schema names in SQL as the domains write it', () => {
    const sample = [
      'await db.query(\'SELECT 1 FROM billing.invoice i JOIN "orders"."order" o ON o.id = i.order_id\');',
      '// SELECT * FROM saga.instance is a comment',
      "const type = 'provisioning.completed';",
      'await db.query(`DELETE FROM "${schema}".outbox WHERE id = $1`);',
    ].join('\n');
    expect(sqlOf(sample).flatMap(schemasIn).sort()).toEqual(['${…}', 'billing', 'orders']);
    expect(WRITE.test('UPDATE billing.invoice SET status = $1')).toBe(true);
    expect(WRITE.test('SELECT updated_at FROM saga.instance')).toBe(false);
    expect(sqlOf("await q('SELECT id FROM audit.event_log WHERE topic_prefix = $1');")).toEqual([
      "'SELECT id FROM audit.event_log WHERE topic_prefix = $1'",
    ]);
  });
});
