import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// A listener hands its event to a service, which decides, and whose repository does the I/O (STYLE.md, "Inside a
// domain"). These are the marks of a listener that does the work itself.
const TRESPASSES: readonly (readonly [string, RegExp])[] = [
  ['holds SQL', /\b(SELECT|INSERT INTO|UPDATE \w|DELETE FROM)\b/],
  ['calls the EntityManager', /\bmanager\.\w+\(/],
  ['imports an entity', /from '\.\.\/(?:[\w-]+\/)*entities\//],
];

const libs = fileURLToPath(new URL('../../libs', import.meta.url));

function listeners(): string[] {
  return readdirSync(libs, { recursive: true, encoding: 'utf8' })
    .filter((path) => /^[\w-]+\/src\/(?:[\w-]+\/)*listeners\/[\w-]+\.listener\.ts$/.test(path))
    .sort();
}

function trespasses(text: string): string[] {
  return TRESPASSES.filter(([, mark]) => mark.test(text)).map(([what]) => what);
}

describe('event listeners', () => {
  it("finds every domain's listeners, orders' among them", () => {
    const found = listeners();
    expect(found.filter((path) => path.startsWith('orders/')).length).toBeGreaterThanOrEqual(16);
    expect(new Set(found.map((path) => path.split('/')[0])).size).toBeGreaterThanOrEqual(6);
  });

  it('hand the event to a service: no SQL, no EntityManager calls, no entities', () => {
    const found = listeners().flatMap((path) =>
      trespasses(readFileSync(join(libs, path), 'utf8')).map((what) => `${path} ${what}`),
    );
    expect(found).toEqual([]);
  });

  it('would see a listener doing the work itself', () => {
    expect(
      trespasses('await ctx.manager.query(`INSERT INTO orders.suspended_tenant (tenant_id) VALUES ($1)`);'),
    ).toEqual(['holds SQL', 'calls the EntityManager']);
    expect(trespasses("import { PlanView } from '../entities/plan-view.entity.js';")).toEqual([
      'imports an entity',
    ]);
    expect(trespasses("await ctx.manager.upsert(PlanView, plan, ['planId']);")).toEqual([
      'calls the EntityManager',
    ]);
    expect(trespasses('await this.repository.upsertPlan(ctx.manager, data);')).toEqual([]);
  });
});
