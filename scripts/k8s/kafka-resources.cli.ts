// Regenerates deploy/k8s/kafka-topics.yaml and kafka-users.yaml after the event catalog, acls.txt or the topic
// settings of config.yaml changed: `npm run k8s:kafka`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, renderKafkaResources } from './kafka-resources.js';

for (const { path, text } of renderKafkaResources()) {
  writeFileSync(join(ROOT, path), text);
  console.log(`wrote ${path}`);
}
