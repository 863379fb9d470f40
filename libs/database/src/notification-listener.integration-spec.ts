import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import pg from 'pg';
import { NotificationListener } from './notification-listener.js';

// The process's one LISTEN session on the real PostgreSQL the suites run against: which channels wake whom, that it
// is one session whatever the number of channels, and what happens when it is killed or subscriptions come and go
// while notifications arrive.

const base = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';

/** A URL of its own per test (application_name in the URL wins over the listener's): its sessions are countable. */
function database(): { url: string; name: string } {
  const name = `listen_${randomUUID().slice(0, 8)}`;
  return { url: `${base}${base.includes('?') ? '&' : '?'}application_name=${name}`, name };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await sleep(20);
  }
}

describe(NotificationListener.name, () => {
  // A pool: the property sends notifications side by side.
  const admin = new pg.Pool({ connectionString: base, max: 4 });

  afterAll(async () => {
    await admin.end();
  });

  const sessions = async (name: string): Promise<{ pid: number }[]> => {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    return rows;
  };

  const notify = (channel: string) => admin.query('SELECT pg_notify($1, $2)', [channel, '']);

  it('listens on every channel of the process in one session and wakes only that channel’s subscribers', async () => {
    const { url, name } = database();
    const listener = NotificationListener.of(url);
    expect(NotificationListener.of(url)).toBe(listener);
    const woken = { a1: 0, a2: 0, b: 0, c: 0 };
    const unsubscribe = [
      listener.subscribe(`${name}_a`, () => woken.a1++),
      listener.subscribe(`${name}_a`, () => woken.a2++),
      listener.subscribe(`${name}_b`, () => woken.b++),
      listener.subscribe(`${name}_c`, () => woken.c++),
    ];
    await until(() => ['a', 'b', 'c'].every((c) => listener.listens(`${name}_${c}`)), 'LISTEN');
    expect(await sessions(name)).toHaveLength(1);
    const before = { ...woken };

    await notify(`${name}_a`);
    await notify(`${name}_a`);
    await notify(`${name}_b`);
    await until(
      () => woken.a1 - before.a1 === 2 && woken.a2 - before.a2 === 2 && woken.b - before.b === 1,
      'wakes',
    );
    await sleep(100);
    expect(woken.c - before.c).toBe(0);
    expect(woken.a1 - before.a1).toBe(2);

    await Promise.all(unsubscribe.map((u) => u()));
    await until(async () => (await sessions(name)).length === 0, 'the session to close');
    expect(listener.listens(`${name}_a`)).toBe(false);
  });

  it('refuses a channel name it would have to quote', () => {
    const listener = NotificationListener.of(database().url);
    expect(() => listener.subscribe('outbox; DROP TABLE x', () => undefined)).toThrow(/not a channel name/);
    expect(() => listener.subscribe('Upper', () => undefined)).toThrow(/not a channel name/);
  });

  it('comes back after its session is killed, waking every subscriber, and hears new notifications', async () => {
    const { url, name } = database();
    const listener = NotificationListener.of(url);
    let woken = 0;
    const unsubscribe = listener.subscribe(`${name}_x`, () => woken++);
    await until(() => listener.listens(`${name}_x`), 'LISTEN');
    const [first] = await sessions(name);
    const afterListen = woken;

    await admin.query('SELECT pg_terminate_backend($1)', [first?.pid]);
    await until(() => woken > afterListen, 'the wake-up of a re-established session');
    await until(() => listener.listens(`${name}_x`), 'LISTEN again');
    await until(async () => {
      const now = await sessions(name);
      return now.length === 1 && now[0]?.pid !== first?.pid;
    }, 'one new session');

    const afterReconnect = woken;
    await notify(`${name}_x`);
    await until(() => woken > afterReconnect, 'a notification on the new session');
    await unsubscribe();
    await until(async () => (await sessions(name)).length === 0, 'the session to close');
  });

  it('keeps subscriptions and notifications straight when they interleave (fast-check)', async () => {
    const channels = ['p', 'q', 'r'];
    type Op =
      { kind: 'subscribe'; channel: string } | { kind: 'unsubscribe'; index: number } | { kind: 'notify' };
    const op = fc.oneof(
      fc.record({ kind: fc.constant('subscribe' as const), channel: fc.constantFrom(...channels) }),
      fc.record({ kind: fc.constant('unsubscribe' as const), index: fc.nat(20) }),
      fc.record({ kind: fc.constant('notify' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops: Op[]) => {
        const { url, name } = database();
        const listener = NotificationListener.of(url);
        const live: { channel: string; count: number; unsubscribe: () => Promise<void>; live: boolean }[] =
          [];
        const pending: Promise<unknown>[] = [];
        // Every operation starts before the previous one finished, as in a process where relays start and stop
        // while commits notify.
        for (const o of ops) {
          if (o.kind === 'subscribe') {
            const entry = { channel: o.channel, count: 0, live: true, unsubscribe: () => Promise.resolve() };
            entry.unsubscribe = listener.subscribe(`${name}_${o.channel}`, () => entry.count++);
            live.push(entry);
          } else if (o.kind === 'unsubscribe') {
            const entry = live.filter((e) => e.live)[o.index % Math.max(1, live.length)];
            if (entry) {
              entry.live = false;
              pending.push(entry.unsubscribe());
            }
          } else {
            pending.push(Promise.all(channels.map((c) => notify(`${name}_${c}`))));
          }
        }
        await Promise.all(pending);
        const subscribed = live.filter((e) => e.live);
        const wanted = new Set(subscribed.map((e) => e.channel));
        await until(() => [...wanted].every((c) => listener.listens(`${name}_${c}`)), 'LISTEN');
        for (const c of channels.filter((c) => !wanted.has(c))) {
          expect(listener.listens(`${name}_${c}`)).toBe(false);
        }
        expect(await sessions(name)).toHaveLength(wanted.size > 0 ? 1 : 0);

        // The interleaved notifications are all delivered once a later one from the same sender is (the queue is
        // read in commit order): a sentinel channel tells when.
        let sentinel = 0;
        const unsubscribeSentinel = listener.subscribe(`${name}_s`, () => sentinel++);
        await until(() => listener.listens(`${name}_s`), 'LISTEN on the sentinel');
        const sentinelBefore = sentinel;
        await notify(`${name}_s`);
        await until(() => sentinel > sentinelBefore, 'the sentinel');
        expect(await sessions(name)).toHaveLength(1);

        // Now one notification per channel: every live subscriber hears its own, nobody else hears anything.
        const before = live.map((e) => e.count);
        await Promise.all(channels.map((c) => notify(`${name}_${c}`)));
        await until(() => subscribed.every((e) => e.count > (before[live.indexOf(e)] ?? 0)), 'the wake-ups');
        await sleep(50);
        live.forEach((e, i) => expect(e.count - (before[i] ?? 0)).toBe(e.live ? 1 : 0));

        await Promise.all([...subscribed.map((e) => e.unsubscribe()), unsubscribeSentinel()]);
        await until(async () => (await sessions(name)).length === 0, 'the session to close');
      }),
      { numRuns: 10 },
    );
  });
});
