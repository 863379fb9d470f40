// `npm run topics:create`: creates every catalog topic and its DLQ (the apps also do this at start-up) and reports
// topics whose partition count differs from KAFKA_TOPIC_PARTITIONS. Exit 1 when any does.
import 'reflect-metadata';
import { TopicAdmin } from '@app/messaging';
import { loadConfig } from '@app/platform';

const admin = new TopicAdmin(loadConfig().messaging);
try {
  const report = await admin.ensureTopics();
  process.stdout.write(`created ${report.created.length}, existing ${report.existing.length}\n`);
  for (const m of report.mismatched) {
    process.stdout.write(`MISMATCH ${m.topic}: ${m.partitions} partitions, configured ${m.expected}\n`);
  }
  process.exitCode = report.mismatched.length > 0 ? 1 : 0;
} finally {
  await admin.onModuleDestroy();
}
