// `npm run topics:create`: creates every catalog topic and its DLQ (the apps also do this at start-up) and reports
// topics whose partition count differs from KAFKA_TOPIC_PARTITIONS, or whose replicas or min.insync.replicas are below
// KAFKA_REPLICATION_FACTOR / KAFKA_MIN_INSYNC_REPLICAS. Exit 1 when any does.
import 'reflect-metadata';
import { TopicAdminService } from '@app/messaging';
import { loadConfig } from '@app/platform';

const admin = new TopicAdminService(loadConfig().messaging);
try {
  const report = await admin.ensureTopics();
  process.stdout.write(`created ${report.created.length}, existing ${report.existing.length}\n`);
  for (const m of report.mismatched) {
    process.stdout.write(`MISMATCH ${m.topic}: ${m.partitions} partitions, configured ${m.expected}\n`);
  }
  for (const u of report.underReplicated) {
    process.stdout.write(
      `UNDER-REPLICATED ${u.topic}: ${u.replicas} replicas, min.insync.replicas ${u.minInsyncReplicas}; ` +
        `configured ${u.expectedReplicas} and ${u.expectedMinInsyncReplicas}\n`,
    );
  }
  process.exitCode = report.mismatched.length + report.underReplicated.length > 0 ? 1 : 0;
} finally {
  await admin.onModuleDestroy();
}
