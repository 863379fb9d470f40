import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, shippedSources } from './sources.js';

// STYLE.md's naming, as one rule the code follows: a file that declares a Nest provider, controller, module or
// exception filter, or a TypeORM entity, is named `<name>.<role>.ts`, and the class is named after its role —
// `OrderProgressService` in `order-progress.service.ts`, `PaymentReceivedListener` in a `.listener.ts`. Entities are
// named after the row they map (`Invoice` in `invoice.entity.ts`); a terminus health check ends in HealthIndicator.
// Files without a role hold functions, types, constants and plain classes (errors, value objects).

const DECORATED_CLASS =
  /@(Injectable|Controller|Module|Entity|Catch)\([^)]*\)\s*export (?:abstract )?class (\w+)/g;
const SUFFIX_OF_ROLE: Readonly<Record<string, string>> = { entity: '', health: 'HealthIndicator' };

const pascal = (role: string): string => role.charAt(0).toUpperCase() + role.slice(1);

/** What is wrong with the names in one file, if anything. */
export function namingFaults(path: string, text: string): string[] {
  const parts = (path.split('/').at(-1) ?? '').slice(0, -'.ts'.length).split('.');
  const role = parts.length > 1 ? parts.at(-1) : undefined;
  return [...text.matchAll(DECORATED_CLASS)].flatMap(([, decorator, name]) => {
    if (role === undefined) {
      return [`${path}: @${decorator} ${name} in a file without a role (<name>.<role>.ts)`];
    }
    const suffix = SUFFIX_OF_ROLE[role] ?? pascal(role);
    return name?.endsWith(suffix) ? [] : [`${path}: ${name} should end with ${suffix} (its file's role)`];
  });
}

describe('naming', () => {
  it('finds the providers, controllers, modules and entities of every lib', () => {
    const classes = shippedSources().flatMap((path) => [
      ...readFileSync(join(root, path), 'utf8').matchAll(DECORATED_CLASS),
    ]);
    expect(classes.length).toBeGreaterThan(250);
    expect(new Set(classes.map(([, decorator]) => decorator))).toEqual(
      new Set(['Injectable', 'Controller', 'Module', 'Entity', 'Catch']),
    );
  });

  it('names each after its role, in a file named <name>.<role>.ts', () => {
    const faults = shippedSources().flatMap((path) =>
      namingFaults(path, readFileSync(join(root, path), 'utf8')),
    );
    expect(faults).toEqual([]);
  });

  it('would see a class named against its role, and a provider in a file without one', () => {
    const provider = '@Injectable()\nexport class OrderProgress {}\n';
    expect(namingFaults('libs/orders/src/order-progress.service.ts', provider)).toEqual([
      "libs/orders/src/order-progress.service.ts: OrderProgress should end with Service (its file's role)",
    ]);
    expect(namingFaults('libs/orders/src/order-progress.ts', provider)).toHaveLength(1);
    expect(
      namingFaults(
        'libs/orders/src/entities/order.entity.ts',
        "@Entity({ schema: 'orders' })\nexport class Order {}",
      ),
    ).toEqual([]);
    expect(
      namingFaults(
        'libs/platform/src/health/kafka.health.ts',
        '@Injectable()\nexport class KafkaHealthIndicator {}',
      ),
    ).toEqual([]);
  });
});
