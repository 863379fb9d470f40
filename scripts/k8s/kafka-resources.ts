// The Strimzi resources that follow the code: a KafkaTopic for every topic of the event catalog and its DLQ, and a
// KafkaUser per app whose ACLs are exactly the grants of deploy/kafka-security/acls.txt. Partitions, replicas and
// min.insync.replicas come from the apps' ConfigMap (deploy/k8s/config.yaml), so the topics are what the apps expect.
// kafka-resources.cli.ts writes them (`npm run k8s:kafka`); test/split/kafka-postgres-manifests.spec.ts fails while
// the committed files differ from what this renders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, isMap, isScalar, isSeq, parse, visit } from 'yaml';
import { allTopics } from '@app/contracts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The Kafka resource of deploy/k8s/kafka.yaml, in the namespace of every manifest. */
export const KAFKA_CLUSTER = 'platforma';
export const NAMESPACE = 'platforma';
export const ACLS_FILE = 'deploy/kafka-security/acls.txt';
export const CONFIG_FILE = 'deploy/k8s/config.yaml';
export const KAFKA_TOPICS_FILE = 'deploy/k8s/kafka-topics.yaml';
export const KAFKA_USERS_FILE = 'deploy/k8s/kafka-users.yaml';

const API_VERSION = 'kafka.strimzi.io/v1';
/** What a KafkaUser's ACL rule may name (Strimzi's enum), so a typo in acls.txt fails here, not in the operator. */
const OPERATIONS = new Set([
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'AlterConfigs',
  'DescribeConfigs',
  'IdempotentWrite',
  'All',
]);

export interface TopicSettings {
  /** KAFKA_TOPIC_PREFIX: before every topic and group name, as the apps and setup.sh put it. */
  prefix: string;
  partitions: number;
  replicas: number;
  minInsyncReplicas: number;
}

/** One line of acls.txt: `user operation resource pattern name`. */
export interface Grant {
  user: string;
  operation: string;
  resource: 'topic' | 'group' | 'cluster';
  pattern: 'literal' | 'prefixed';
  name: string;
}

export interface AclRule {
  resource: { type: Grant['resource']; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
}

const isResource = (word: string): word is Grant['resource'] =>
  word === 'topic' || word === 'group' || word === 'cluster';
const isPattern = (word: string): word is Grant['pattern'] => word === 'literal' || word === 'prefixed';

export function parseAcls(text: string): Grant[] {
  return text.split('\n').flatMap((line, i): Grant[] => {
    const words = line.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) {
      return [];
    }
    const [user = '', operation = '', resource = '', pattern = '', name = ''] = words;
    if (
      words.length !== 5 ||
      !OPERATIONS.has(operation) ||
      !isResource(resource) ||
      !isPattern(pattern) ||
      (resource === 'cluster' && name !== 'kafka-cluster')
    ) {
      throw new Error(
        `${ACLS_FILE}:${i + 1}: expected "user operation topic|group|cluster literal|prefixed name", got "${line.trim()}"`,
      );
    }
    return [{ user, operation, resource, pattern, name }];
  });
}

/** The ConfigMap's topic settings: one place for the apps and the KafkaTopics. */
export function topicSettings(configMap: string): TopicSettings {
  const data = (parse(configMap) as { data?: Record<string, string> }).data ?? {};
  const count = (key: string): number => {
    const value = Number(data[key]);
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${CONFIG_FILE}: ${key} must be a positive integer (the KafkaTopics use it), is ${data[key]}`,
      );
    }
    return value;
  };
  return {
    prefix: data.KAFKA_TOPIC_PREFIX ?? '',
    partitions: count('KAFKA_TOPIC_PARTITIONS'),
    replicas: count('KAFKA_REPLICATION_FACTOR'),
    minInsyncReplicas: count('KAFKA_MIN_INSYNC_REPLICAS'),
  };
}

/** A Kubernetes name holds lowercase letters, digits, '-' and '.'; a topic name may hold '_' and capitals too. */
export function topicResourceName(topic: string): string {
  return topic.toLowerCase().replace(/_/g, '-');
}

/** A grant as setup.sh applies it: names under the prefix; "every topic" of a prefixed environment is its prefix. */
function aclResource(grant: Grant, prefix: string): AclRule['resource'] {
  if (grant.resource === 'cluster') {
    return { type: 'cluster' };
  }
  if (grant.name === '*') {
    return prefix === ''
      ? { type: grant.resource, name: '*', patternType: 'literal' }
      : { type: grant.resource, name: prefix, patternType: 'prefix' };
  }
  const patternType = grant.pattern === 'prefixed' ? 'prefix' : 'literal';
  return { type: grant.resource, name: `${prefix}${grant.name}`, patternType };
}

/** Each user's grants as Strimzi ACL rules, one per resource with all its operations, in the order of acls.txt. */
export function aclRules(grants: Grant[], prefix: string): Map<string, AclRule[]> {
  const byUser = new Map<string, Map<string, AclRule>>();
  for (const grant of grants) {
    const resource = aclResource(grant, prefix);
    const rules = byUser.get(grant.user) ?? new Map<string, AclRule>();
    byUser.set(grant.user, rules);
    const key = JSON.stringify(resource);
    const rule = rules.get(key) ?? { resource, operations: [] };
    rules.set(key, rule);
    if (!rule.operations.includes(grant.operation)) {
      rule.operations.push(grant.operation);
    }
  }
  return new Map([...byUser].map(([user, rules]) => [user, [...rules.values()]]));
}

function kafkaTopic(topic: string, settings: TopicSettings): object {
  const name = topicResourceName(topic);
  return {
    apiVersion: API_VERSION,
    kind: 'KafkaTopic',
    metadata: { name, namespace: NAMESPACE, labels: { 'strimzi.io/cluster': KAFKA_CLUSTER } },
    spec: {
      // Only where the topic's name cannot be the resource's (Strimzi's advice).
      ...(name === topic ? {} : { topicName: topic }),
      partitions: settings.partitions,
      replicas: settings.replicas,
      // What the apps set on a topic they create themselves.
      config: { 'min.insync.replicas': settings.minInsyncReplicas, 'unclean.leader.election.enable': false },
    },
  };
}

function kafkaUser(user: string, acls: AclRule[]): object {
  const app = user.replace(/^platforma-/, '');
  return {
    apiVersion: API_VERSION,
    kind: 'KafkaUser',
    metadata: {
      name: user,
      namespace: NAMESPACE,
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'app.kubernetes.io/component': app },
    },
    spec: { authentication: { type: 'scram-sha-512' }, authorization: { type: 'simple', acls } },
  };
}

/** Small maps and lists on one line, as the hand-written manifests have them. */
const FLOW_KEYS = new Set(['labels', 'config', 'authentication', 'resource', 'operations']);

function yamlDocuments(header: string, objects: object[]): string {
  const documents = objects.map((object) => {
    const doc = new Document(object);
    visit(doc, {
      Pair(_, pair) {
        if (
          isScalar(pair.key) &&
          FLOW_KEYS.has(String(pair.key.value)) &&
          (isMap(pair.value) || isSeq(pair.value))
        ) {
          pair.value.flow = true;
        }
      },
    });
    // Prettier's style: padded braces, unpadded brackets.
    return doc.toString({ lineWidth: 0, singleQuote: true }).replace(/\[ ([^\]\n]*) \]/g, '[$1]');
  });
  return `${header}${documents.join('---\n')}`;
}

const comment = (lines: string[]): string => lines.map((line) => `# ${line}\n`).join('');

export function renderKafkaTopics(settings: TopicSettings): string {
  const topics = allTopics(settings.prefix);
  const names = new Set(topics.map(topicResourceName));
  if (names.size !== topics.length) {
    throw new Error('two catalog topics map to the same KafkaTopic name');
  }
  const header = comment([
    'GENERATED by `npm run k8s:kafka` (scripts/k8s/kafka-resources.ts): do not edit. A KafkaTopic for every topic of',
    'the event catalog (libs/contracts) and its DLQ, with the partitions, replicas and min.insync.replicas of the',
    "apps' ConfigMap (config.yaml).",
  ]);
  return yamlDocuments(
    header,
    topics.map((topic) => kafkaTopic(topic, settings)),
  );
}

export function renderKafkaUsers(grants: Grant[], settings: TopicSettings): string {
  const header = comment([
    'GENERATED by `npm run k8s:kafka` (scripts/k8s/kafka-resources.ts): do not edit. A SCRAM-SHA-512 user per app with',
    'exactly the grants of deploy/kafka-security/acls.txt; the User Operator keeps its password in the Secret of the',
    "same name (key 'password'), which the app's Deployment reads.",
  ]);
  return yamlDocuments(
    header,
    [...aclRules(grants, settings.prefix)].map(([user, acls]) => kafkaUser(user, acls)),
  );
}

/** Both files as they should be committed, from the catalog, acls.txt and config.yaml under root. */
export function renderKafkaResources(root: string = ROOT): { path: string; text: string }[] {
  const settings = topicSettings(readFileSync(join(root, CONFIG_FILE), 'utf8'));
  const grants = parseAcls(readFileSync(join(root, ACLS_FILE), 'utf8'));
  return [
    { path: KAFKA_TOPICS_FILE, text: renderKafkaTopics(settings) },
    { path: KAFKA_USERS_FILE, text: renderKafkaUsers(grants, settings) },
  ];
}
