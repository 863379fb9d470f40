import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { root, shippedSources } from './sources.js';

// One transaction handle, one argument order: a use case takes `tx: Tx` (@app/messaging: a manager and publish(),
// which a listener's EventContext and a poller's or a request's UnitOfWork both are), a repository takes the
// EntityManager, and either comes first among the arguments. Nobody but messaging defines a handle of its own.
// A Nest listener's `handle(@Payload() data, @Ctx() ctx)` keeps Nest's order (listeners.spec holds it to one delegating
// line), and messaging, which makes the handles, is the transport rather than a use case.

const HANDLE = /^(EntityManager|Tx|UnitOfWork|EventContext)(<.*>)?$/;
const HANDLE_NAME = /^(manager|em|tx|uow)$/;
const OWN_HANDLE = /type \w+ = Pick<(UnitOfWork|EventContext)\b/;

/** Functions and methods of one file whose transaction handle is not their first argument. */
export function handleFaults(path: string, text: string): string[] {
  const faults: string[] = [];
  if (path.startsWith('libs/messaging/')) {
    return faults;
  }
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && !ts.isConstructorDeclaration(node) && !ts.isFunctionTypeNode(node)) {
      node.parameters.forEach((parameter, index) => {
        // A defaulted `manager = this.manager` has no annotation: its name says what it is.
        const type =
          parameter.type?.getText(file).trim() ??
          (HANDLE_NAME.test(parameter.name.getText(file)) ? 'EntityManager' : '');
        const decorated = ts.canHaveDecorators(parameter) && (ts.getDecorators(parameter)?.length ?? 0) > 0;
        const listener =
          (ts.isMethodDeclaration(node) || ts.isMethodSignature(node)) &&
          node.name.getText(file) === 'handle';
        if (index > 0 && HANDLE.test(type) && !decorated && !listener) {
          const name = node.name?.getText(file) ?? '(anonymous)';
          const line = file.getLineAndCharacterOfPosition(parameter.getStart(file)).line + 1;
          faults.push(
            `${path}:${line}: ${name} takes ${parameter.name.getText(file)}: ${type} as argument ${index + 1}`,
          );
        }
      });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  if (OWN_HANDLE.test(text)) {
    faults.push(`${path}: defines its own transaction handle (use Tx from @app/messaging)`);
  }
  return faults;
}

describe('transactions', () => {
  it('every use case and repository takes its transaction handle first', () => {
    const faults = shippedSources().flatMap((path) =>
      handleFaults(path, readFileSync(join(root, path), 'utf8')),
    );
    expect(faults).toEqual([]);
  });

  it('would see a handle passed last, and a domain defining its own', () => {
    const text = [
      "import type { EntityManager } from 'typeorm';",
      'type Publisher = Pick<UnitOfWork, "publish">;',
      'export class OrderRepository {',
      '  find(id: string, manager: EntityManager) {}',
      '  lock(manager: EntityManager, id: string) {}',
      '  lines(id: string, manager = this.manager) {}',
      '}',
      'export function settle(invoiceId: string, tx: Tx) {}',
      'class Listener { handle(@Payload() data: unknown, @Ctx() ctx: EventContext<"x">) {} }',
    ].join('\n');
    expect(handleFaults('libs/orders/src/order.repository.ts', text)).toEqual([
      'libs/orders/src/order.repository.ts:4: find takes manager: EntityManager as argument 2',
      'libs/orders/src/order.repository.ts:6: lines takes manager: EntityManager as argument 2',
      'libs/orders/src/order.repository.ts:8: settle takes tx: Tx as argument 2',
      'libs/orders/src/order.repository.ts: defines its own transaction handle (use Tx from @app/messaging)',
    ]);
  });
});
