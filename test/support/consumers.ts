import type { INestApplication } from '@nestjs/common';
import { EventConsumerServer, TopicAdminService } from '@app/messaging';
import { waitFor } from './processes.js';

/** The app's running Kafka consumer servers, one per domain with handlers. */
export function consumerServers(app: INestApplication): EventConsumerServer[] {
  return app
    .getMicroservices()
    .map((m) => (m as unknown as { serverInstance?: unknown }).serverInstance)
    .filter((s): s is EventConsumerServer => s instanceof EventConsumerServer);
}

/** A redelivered copy of an event, as it was sent again. */
export interface Copy {
  topic: string;
  type: string;
}

/**
 * Counts inbox hits from now on. `seen(copies)` resolves once the redelivered copies were consumed: every group
 * subscribed to their types committed past them, and the inboxes skipped at least one per copy. "Nothing happened
 * twice" is then asserted after the fact and not after a guessed pause. (A group whose handler finds nothing to
 * do before opening its transaction skips a copy without an inbox row, so not every group shows a hit.)
 */
export function inboxHits(app: INestApplication) {
  const servers = consumerServers(app);
  const before = new Map(servers.map((s) => [s, s.counters.duplicates]));
  const hits = (s: EventConsumerServer) => s.counters.duplicates - (before.get(s) ?? 0);
  const byGroup = (): Record<string, number> => Object.fromEntries(servers.map((s) => [s.groupId, hits(s)]));
  return {
    /** Inbox hits per consumer group since the count started. */
    byGroup,
    async seen(copies: readonly Copy[], timeoutMs = 30_000): Promise<void> {
      const readers = servers
        .map((s) => {
          const subscribed = new Set<string>(s.subscribedTypes());
          const topics = [...new Set(copies.filter((c) => subscribed.has(c.type)).map((c) => c.topic))];
          return { group: s.groupId, topics };
        })
        .filter((r) => r.topics.length > 0);
      if (copies.length === 0 || readers.length === 0) {
        throw new Error(`no consumer reads ${copies.map((c) => c.type).join(', ')}: nothing would prove it`);
      }
      for (const { group, topics } of readers) {
        await committedPast(app, [group], topics, timeoutMs);
      }
      const total = () => servers.reduce((sum, s) => sum + hits(s), 0);
      await waitFor(
        () => Promise.resolve(total() >= copies.length ? true : undefined),
        `inbox hits for ${copies.length} redelivered copies (so far ${JSON.stringify(byGroup())})`,
        timeoutMs,
      );
    },
  };
}

/**
 * Resolves once the groups committed past every record on the topic: they are done with it, and a committed record
 * is never delivered to them again.
 */
export function committedPast(app: INestApplication, groups: string[], topics: string[], timeoutMs = 30_000) {
  const admin = app.get(TopicAdminService);
  return waitFor(
    async () => {
      const lags = await Promise.all(groups.map((g) => admin.consumerLag(g, topics)));
      // A partition the group never committed on counts all its records as lag.
      return lags.every((l) => l.lag === 0) ? true : undefined;
    },
    `${groups.join(', ')} to commit past ${topics.join(', ')}`,
    timeoutMs,
  );
}
