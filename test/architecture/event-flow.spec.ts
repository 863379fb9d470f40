import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { EVENT_TYPES, eventDefinition, eventFlow, type EventType } from '@app/contracts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Calls whose string argument names an event the caller publishes (through its outbox) or consumes. Publishing is
 * `uow.publish('<type>', …)`; the saga decides rather than publishes, so its events are data
 * (`{ type, subject, data }`; its inputs, `{ kind, type, data }`, are not) built inline or by
 * `sagaEvent(state, '<type>', …)`, and published by its service. Consuming is
 * `@OnEvent('<type>', DOMAIN)`, or `webhookListener('<type>')` / `operatorTrailListener('<type>')`, which wrap one
 * (for the tenant's webhooks, for the operators' trail).
 */
const PUBLISHING_CALLS: Readonly<Record<string, number>> = { publish: 0, sagaEvent: 1 };
const CONSUMING_CALLS: Readonly<Record<string, number>> = {
  OnEvent: 0,
  webhookListener: 0,
  operatorTrailListener: 0,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'node_modules' ? [] : sources(path);
    }
    return path.endsWith('.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(path) ? [path] : [];
  });
}

/** The shipped code: every module's src, the monolith and the apps (not tests, whose fixtures publish anything). */
function shippedSources(): string[] {
  const libs = join(root, 'libs');
  return [
    ...readdirSync(libs).flatMap((lib) => sources(join(libs, lib, 'src'))),
    ...sources(join(root, 'src')),
    ...sources(join(root, 'apps')),
  ];
}

function calleeName(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) {
    return callee.text;
  }
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
}

type Role = 'producer' | 'consumer';

function hasProperties(object: ts.ObjectLiteralExpression, names: readonly string[]): boolean {
  return names.every((name) =>
    object.properties.some((p) => p.name !== undefined && ts.isIdentifier(p.name) && p.name.text === name),
  );
}

/** How a string literal naming an event is used: as the event a call publishes or consumes, or otherwise. */
function roleOf(literal: ts.StringLiteralLike): Role | undefined {
  let node: ts.Node = literal;
  while (
    ts.isAsExpression(node.parent) ||
    ts.isSatisfiesExpression(node.parent) ||
    ts.isParenthesizedExpression(node.parent)
  ) {
    node = node.parent;
  }
  const parent = node.parent;
  if (ts.isCallExpression(parent)) {
    const name = calleeName(parent);
    const position = parent.arguments.indexOf(node as ts.Expression);
    if (name !== undefined && PUBLISHING_CALLS[name] === position) {
      return 'producer';
    }
    if (name !== undefined && CONSUMING_CALLS[name] === position) {
      return 'consumer';
    }
    return undefined;
  }
  if (
    ts.isPropertyAssignment(parent) &&
    parent.initializer === node &&
    ts.isIdentifier(parent.name) &&
    parent.name.text === 'type' &&
    ts.isObjectLiteralExpression(parent.parent) &&
    hasProperties(parent.parent, ['data', 'subject'])
  ) {
    return 'producer';
  }
  return undefined;
}

type Uses = Record<Role, Map<EventType, string[]>>;

/** Every place the given files publish or consume each catalog event, as `file:line`. */
function scan(files: readonly { name: string; text: string }[]): Uses {
  const known = new Set<string>(EVENT_TYPES);
  const uses: Uses = { producer: new Map(), consumer: new Map() };
  for (const { name, text } of files) {
    const source = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node) && known.has(node.text)) {
        const role = roleOf(node);
        if (role) {
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          const type = node.text as EventType;
          uses[role].set(type, [...(uses[role].get(type) ?? []), `${name}:${line}`]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

/** The module a shipped file belongs to: `libs/<module>/src/…`; anything else (the monolith, an app) by its folder. */
function moduleOf(at: string): string {
  const [top, lib] = at.split('/');
  return top === 'libs' && lib !== undefined ? lib : (top ?? at);
}

/** Per event type, the modules the scan found against those the catalog declares, where the two differ. */
function differences(
  found: Map<EventType, string[]>,
  declared: (type: EventType) => readonly string[],
): { type: EventType; declared: string[]; found: string[] }[] {
  return EVENT_TYPES.flatMap((type) => {
    const modules = [...new Set((found.get(type) ?? []).map(moduleOf))].sort();
    const expected = [...new Set(declared(type))].sort();
    return modules.join() === expected.join() ? [] : [{ type, declared: expected, found: modules }];
  });
}

describe('event flow: every catalog event is published, and consumed unless declared log-only', () => {
  const uses = scan(
    shippedSources().map((file) => ({ name: relative(root, file), text: readFileSync(file, 'utf8') })),
  );
  const logOnly = (type: EventType): boolean => eventDefinition(type).logOnly !== undefined;

  it('has a producer for every event type', () => {
    expect(EVENT_TYPES.filter((type) => !uses.producer.has(type))).toEqual([]);
  });

  it('has a consumer for every event type not declared log-only in the catalog', () => {
    expect(EVENT_TYPES.filter((type) => !logOnly(type) && !uses.consumer.has(type))).toEqual([]);
  });

  it('declares log-only only events nobody consumes, each with its reason', () => {
    const consumed = EVENT_TYPES.filter((type) => logOnly(type) && uses.consumer.has(type));
    expect(consumed.map((type) => [type, uses.consumer.get(type)])).toEqual([]);
    expect(EVENT_TYPES.filter((type) => logOnly(type) && !eventDefinition(type).logOnly?.trim())).toEqual([]);
  });

  // The schema browser serves these declarations: in a split deployment no process sees the other apps' handlers.
  it('consumes each event in exactly the modules the catalog declares (EVENT_CONSUMERS)', () => {
    expect(differences(uses.consumer, (type) => eventFlow(type).consumers)).toEqual([]);
  });

  it('publishes each event from exactly its source module and the other producers the catalog declares', () => {
    expect(differences(uses.producer, (type) => eventFlow(type).producers)).toEqual([]);
  });

  describe('the scan itself', () => {
    const scanned = (text: string): Uses => scan([{ name: 'probe.ts', text }]);

    it('sees each way of publishing and consuming, and nothing else', () => {
      const uses = scanned(`
        await uow.publish(
          'order.created', data, { subject });
        const next = { type: 'saga.started' as const, subject, data: {} };
        sagaEvent(s, 'saga.failed', {});
        class A { @OnEvent('payment.failed', BILLING) handle() {} }
        class B extends webhookListener('invoice.paid') {}
        const notAnOutgoingEvent = { type: 'order.cancelled' };
        const sagaInput = { kind: 'event', type: 'order.confirmed', data: order };
        log.filter((e) => e.type === 'order.completed');
        payload<'provisioning.failed'>(input);
        notification(s, env, 'payment-failed', {});
      `);
      expect([...uses.producer.keys()].sort()).toEqual(['order.created', 'saga.failed', 'saga.started']);
      expect([...uses.consumer.keys()].sort()).toEqual(['invoice.paid', 'payment.failed']);
    });

    it('tells a declaration that differs from the code, naming the event and both module lists', () => {
      const found = scan([
        { name: 'libs/orders/src/a.listener.ts', text: `@OnEvent('payment.failed', ORDERS) class A {}` },
        { name: 'libs/saga/src/b.listener.ts', text: `@OnEvent('payment.failed', SAGA) class B {}` },
        { name: 'src/c.ts', text: `@OnEvent('invoice.paid', X) class C {}` },
      ]).consumer;
      const declared = (type: EventType): string[] =>
        type === 'payment.failed' ? ['orders', 'notifications'] : [];
      expect(differences(found, declared)).toEqual([
        { type: 'invoice.paid', declared: [], found: ['src'] },
        { type: 'payment.failed', declared: ['notifications', 'orders'], found: ['orders', 'saga'] },
      ]);
    });

    it('reads the real tree: the order saga’s events are found where they are published and consumed', () => {
      expect(uses.producer.get('order.created')?.some((at) => at.startsWith('libs/orders/src/'))).toBe(true);
      expect(uses.producer.get('saga.completed')?.some((at) => at.startsWith('libs/saga/src/'))).toBe(true);
      expect(uses.consumer.get('payment.failed')?.some((at) => at.startsWith('libs/saga/src/'))).toBe(true);
    });
  });
});
