import { posix } from 'node:path';
import { EVENT_TYPES, SOURCE_MODULES, dlqTopicName, topicName } from '@app/contracts';
import {
  type ComposeService,
  composeFile,
  envOf,
  manifest,
  manifests,
  manifestsOf,
  podOf,
  read,
} from '../support/deploy-manifests.js';
import {
  ACLS_FILE,
  KAFKA_CLUSTER,
  aclRules,
  parseAcls,
  renderKafkaResources,
  topicResourceName,
} from '../../scripts/k8s/kafka-resources.js';

// Kafka and PostgreSQL replicated, as deployed: the Strimzi cluster, the KafkaTopics and KafkaUsers generated from
// the event catalog and acls.txt, the CloudNativePG cluster, and docker-compose's three-broker override. What these
// settings buy is in docs/deployment.md ("Replication and failures").

interface NodePoolSpec {
  replicas: number;
  roles: ('controller' | 'broker')[];
  template?: {
    pod?: {
      affinity?: {
        podAntiAffinity?: {
          requiredDuringSchedulingIgnoredDuringExecution?: {
            topologyKey: string;
            labelSelector: { matchLabels: Record<string, string> };
          }[];
        };
      };
    };
  };
}
interface KafkaSpec {
  kafka: {
    listeners: {
      name: string;
      port: number;
      type: string;
      tls: boolean;
      authentication?: { type: string };
    }[];
    authorization?: { type: string };
    config: Record<string, string | number | boolean>;
  };
  entityOperator?: { topicOperator?: object; userOperator?: object };
}
interface KafkaTopicSpec {
  topicName?: string;
  partitions: number;
  replicas: number;
  config: Record<string, string | number | boolean>;
}
interface AclRuleSpec {
  resource: { type: string; name?: string; patternType?: string };
  operations: string[];
}
interface KafkaUserSpec {
  authentication: { type: string };
  authorization: { type: string; acls: AclRuleSpec[] };
}
interface PostgresClusterSpec {
  instances: number;
  bootstrap: { initdb: { database: string; owner: string } };
  postgresql?: {
    parameters?: Record<string, string>;
    synchronous?: { method: string; number: number; dataDurability?: string };
  };
  affinity?: { podAntiAffinityType?: string };
}

const APPS = SOURCE_MODULES;
const config = manifest('ConfigMap', 'platforma-config').data ?? {};
const kafka = manifest('Kafka', KAFKA_CLUSTER);
const kafkaSpec = kafka.spec as unknown as KafkaSpec;
const pools = manifestsOf('KafkaNodePool');
const [postgres] = manifestsOf('Cluster');
const postgresSpec = postgres?.spec as unknown as PostgresClusterSpec;

/** acls.txt's grants, one normalized line each (as test/security/security.e2e-spec.ts reads it). */
const aclLines = (): string[] =>
  read(ACLS_FILE)
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().split(/\s+/).join(' '))
    .filter((line) => line !== '');

/** A KafkaUser's rules back in acls.txt's form: one line per operation. */
const grantLines = (user: string, acls: AclRuleSpec[]): string[] =>
  acls.flatMap(({ resource, operations }) =>
    operations.map((operation) =>
      [
        user,
        operation,
        resource.type,
        resource.patternType === 'prefix' ? 'prefixed' : 'literal',
        resource.type === 'cluster' ? 'kafka-cluster' : resource.name,
      ].join(' '),
    ),
  );

describe('Strimzi Kafka (deploy/k8s/kafka.yaml)', () => {
  it('runs KRaft on node pools: three controllers and three brokers, each pool spread one pod per node', () => {
    expect(kafka.apiVersion).toBe('kafka.strimzi.io/v1');
    expect(kafka.metadata.annotations).toEqual({
      'strimzi.io/kraft': 'enabled',
      'strimzi.io/node-pools': 'enabled',
    });
    const replicasWith = (role: 'controller' | 'broker') =>
      pools
        .map((p) => p.spec as unknown as NodePoolSpec)
        .filter((spec) => spec.roles.includes(role))
        .reduce((sum, spec) => sum + spec.replicas, 0);
    expect({ controllers: replicasWith('controller'), brokers: replicasWith('broker') }).toEqual({
      controllers: 3,
      brokers: 3,
    });
    for (const pool of pools) {
      expect(pool.metadata.labels?.['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
      const [rule] =
        (pool.spec as unknown as NodePoolSpec).template?.pod?.affinity?.podAntiAffinity
          ?.requiredDuringSchedulingIgnoredDuringExecution ?? [];
      expect(rule).toEqual({
        topologyKey: 'kubernetes.io/hostname',
        labelSelector: {
          matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/pool-name': pool.metadata.name },
        },
      });
    }
  });

  it('keeps three replicas, two in sync for a write, for topics, offsets and transactions; no unclean election', () => {
    expect(kafkaSpec.kafka.config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'unclean.leader.election.enable': false,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
      'auto.create.topics.enable': false,
    });
    // The apps create topics and check replication with the same numbers.
    expect(Number(config.KAFKA_REPLICATION_FACTOR)).toBe(
      kafkaSpec.kafka.config['default.replication.factor'],
    );
    expect(Number(config.KAFKA_MIN_INSYNC_REPLICAS)).toBe(kafkaSpec.kafka.config['min.insync.replicas']);
    expect(kafkaSpec.entityOperator).toEqual({ topicOperator: {}, userOperator: {} });
  });

  it('lets clients in only over TLS with SCRAM-SHA-512 under the simple authorizer; the apps use that listener', () => {
    const { listeners, authorization } = kafkaSpec.kafka;
    expect(listeners.length).toBeGreaterThan(0);
    for (const listener of listeners) {
      expect(listener).toMatchObject({ tls: true, authentication: { type: 'scram-sha-512' } });
    }
    expect(authorization).toEqual({ type: 'simple' });
    const [tls] = listeners;
    expect(config).toMatchObject({
      KAFKA_BROKERS: `${KAFKA_CLUSTER}-kafka-bootstrap.${kafka.metadata.namespace}.svc:${tls?.port}`,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
    });
    expect(config.KAFKA_SSL_CA_FILE).toMatch(/\/ca\.crt$/);
  });

  it.each(APPS)('%s: its own KafkaUser, the cluster CA, and DATABASE_URL from CloudNativePG', (app) => {
    const { spec } = podOf(manifest('Deployment', app));
    const [container] = spec.containers;
    const env = envOf(container);
    const user = `platforma-${app}`;
    expect(manifest('KafkaUser', user)).toBeDefined();
    expect(env.get('KAFKA_SASL_USERNAME')?.value).toBe(user);
    // Strimzi's User Operator keeps the password in a Secret named after the user.
    expect(env.get('KAFKA_SASL_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({ name: user, key: 'password' });
    const caDir = posix.dirname(config.KAFKA_SSL_CA_FILE ?? '');
    const mount = container?.volumeMounts?.find((m) => m.mountPath === caDir);
    expect(mount?.readOnly).toBe(true);
    expect(spec.volumes?.find((v) => v.name === mount?.name)?.secret).toEqual({
      secretName: `${KAFKA_CLUSTER}-cluster-ca-cert`,
      items: [{ key: 'ca.crt', path: posix.basename(config.KAFKA_SSL_CA_FILE ?? '') }],
    });
    // CloudNativePG's app Secret: the database owner's URL to the -rw Service, which follows the primary.
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: `${postgres?.metadata.name}-app`,
      key: 'uri',
    });
  });
});

describe('KafkaTopics and KafkaUsers (generated by npm run k8s:kafka)', () => {
  it.each(renderKafkaResources().map(({ path, text }) => [path, text]))(
    '%s is what the generator writes now (else run npm run k8s:kafka)',
    (path, text) => {
      expect(read(path)).toBe(text);
    },
  );

  it("has a KafkaTopic for every catalog topic and its DLQ, nothing else, with the ConfigMap's settings", () => {
    const topics = manifestsOf('KafkaTopic');
    const named = topics.map((t) => (t.spec as unknown as KafkaTopicSpec).topicName ?? t.metadata.name);
    expect([...named].sort()).toEqual(EVENT_TYPES.flatMap((t) => [topicName(t), dlqTopicName(t)]).sort());
    for (const topic of topics) {
      expect(topic.metadata.labels?.['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
      expect(topic.spec).toMatchObject({
        partitions: Number(config.KAFKA_TOPIC_PARTITIONS),
        replicas: 3,
        config: { 'min.insync.replicas': 2, 'unclean.leader.election.enable': false },
      });
    }
  });

  it('has a KafkaUser per app whose ACLs are exactly the grants of acls.txt', () => {
    const users = manifestsOf('KafkaUser');
    expect(users.map((u) => u.metadata.name).sort()).toEqual(APPS.map((app) => `platforma-${app}`).sort());
    const granted = users.flatMap((u) => {
      const spec = u.spec as unknown as KafkaUserSpec;
      expect(u.metadata.labels?.['strimzi.io/cluster']).toBe(KAFKA_CLUSTER);
      expect(spec.authentication).toEqual({ type: 'scram-sha-512' });
      expect(spec.authorization.type).toBe('simple');
      return grantLines(u.metadata.name, spec.authorization.acls);
    });
    // The ConfigMap sets no KAFKA_TOPIC_PREFIX: names are acls.txt's as they stand.
    expect(config.KAFKA_TOPIC_PREFIX ?? '').toBe('');
    expect([...granted].sort()).toEqual([...new Set(aclLines())].sort());
  });

  it('applies a topic prefix as setup.sh does, and names a topic with "_" by topicName', () => {
    const grants = parseAcls(
      [
        'platforma-audit  Describe  topic    literal   *',
        'platforma-audit  Read      group    prefixed  platforma.access.',
        'platforma-audit  Write     topic    literal   order.created',
        'platforma-audit  Read      topic    literal   order.created',
        'platforma-audit  IdempotentWrite cluster literal kafka-cluster',
      ].join('\n'),
    );
    expect(aclRules(grants, 'staging.').get('platforma-audit')).toEqual([
      { resource: { type: 'topic', name: 'staging.', patternType: 'prefix' }, operations: ['Describe'] },
      {
        resource: { type: 'group', name: 'staging.platforma.access.', patternType: 'prefix' },
        operations: ['Read'],
      },
      {
        resource: { type: 'topic', name: 'staging.order.created', patternType: 'literal' },
        operations: ['Write', 'Read'],
      },
      { resource: { type: 'cluster' }, operations: ['IdempotentWrite'] },
    ]);
    expect(() => parseAcls('\n# a comment\nplatforma-audit Reed topic literal order.created')).toThrow(
      /acls\.txt:3: expected/,
    );
    expect(topicResourceName('order.cancel_requested')).toBe('order.cancel-requested');
    const cancel = manifest('KafkaTopic', 'order.cancel-requested').spec as unknown as KafkaTopicSpec;
    expect(cancel.topicName).toBe('order.cancel_requested');
  });
});

describe('CloudNativePG PostgreSQL (deploy/k8s/postgres.yaml)', () => {
  it('runs a primary and a replica on different nodes; a commit waits for the replica while it is there', () => {
    expect(manifestsOf('Cluster')).toHaveLength(1);
    expect(postgres?.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(postgresSpec.instances).toBeGreaterThanOrEqual(2);
    expect(postgresSpec.affinity?.podAntiAffinityType).toBe('required');
    expect(postgresSpec.postgresql?.synchronous).toMatchObject({ method: 'any', number: 1 });
  });

  it('holds the database the apps and the migrations use, owned by the user they connect as', () => {
    expect(postgresSpec.bootstrap.initdb).toEqual({ database: 'platforma', owner: 'platforma' });
    const secretRef = { name: `${postgres?.metadata.name}-app`, key: 'uri' };
    for (const workload of manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job')) {
      const env = envOf(podOf(workload).spec.containers[0]);
      if (workload.metadata.name !== 'gateway') {
        expect({
          workload: workload.metadata.name,
          ref: env.get('DATABASE_URL')?.valueFrom?.secretKeyRef,
        }).toEqual({
          workload: workload.metadata.name,
          ref: secretRef,
        });
      }
    }
  });

  it("has connections for every app pod's pool, relay and LISTEN session", () => {
    const pods = manifestsOf('Deployment')
      .filter((d) => d.metadata.name !== 'gateway')
      .reduce((sum, d) => sum + Number((d.spec as { replicas?: number }).replicas ?? 1), 0);
    const perPod = Number(config.DATABASE_POOL_SIZE) + 2;
    expect(Number(postgresSpec.postgresql?.parameters?.max_connections)).toBeGreaterThanOrEqual(
      pods * perPod + 10,
    );
  });
});

describe('docker-compose three-broker Kafka (docker-compose.kafka-cluster.yml)', () => {
  const base = composeFile('docker-compose.yml').services;
  const cluster = composeFile('docker-compose.kafka-cluster.yml').services;
  const env = (service: ComposeService | undefined): Record<string, string> =>
    Object.fromEntries(Object.entries(service?.environment ?? {}).map(([k, v]) => [k, String(v)]));
  const nodes = Object.entries(cluster).filter(([, s]) => s.image?.startsWith('apache/kafka:'));
  const withRole = (role: string) => nodes.filter(([, s]) => env(s).KAFKA_PROCESS_ROLES === role);
  const controllers = withRole('controller');
  const brokers = withRole('broker');
  const apps = Object.keys(base).filter((name) => env(base[name]).PLATFORMA_APP !== undefined);

  it('runs three controllers and three brokers of one cluster, on the quorum of the three controllers', () => {
    expect([controllers.length, brokers.length, nodes.length]).toEqual([3, 3, 6]);
    expect(new Set(nodes.map(([, s]) => env(s).CLUSTER_ID)).size).toBe(1);
    expect(new Set(nodes.map(([, s]) => env(s).KAFKA_NODE_ID)).size).toBe(6);
    const voters = controllers.map(([name, s]) => `${env(s).KAFKA_NODE_ID}@${name}:9093`).join(',');
    for (const [, s] of nodes) {
      expect(env(s).KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
    }
    for (const [name, s] of brokers) {
      expect(env(s).KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`);
      expect(s.healthcheck?.test.join(' ')).toContain('kafka-broker-api-versions.sh');
    }
  });

  it('keeps three replicas, two in sync for a write, for topics, offsets and transactions; no unclean election', () => {
    for (const [, s] of nodes) {
      expect(env(s)).toMatchObject({
        KAFKA_DEFAULT_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
        KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '3',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '2',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      });
      expect(s.volumes).toHaveLength(1);
      expect(s.volumes?.[0]).toMatch(/:\/var\/lib\/kafka\/data$/);
    }
  });

  it('points every app at the three brokers, with replication 3 and min.insync.replicas 2, once they are up', () => {
    expect(apps).toEqual(['platforma', ...APPS]);
    const addresses = brokers.map(([name]) => `${name}:9092`).join(',');
    for (const app of apps) {
      const merged = { ...env(base[app]), ...env(cluster[app]) };
      expect({ app, ...merged }).toMatchObject({
        app,
        KAFKA_BROKERS: addresses,
        KAFKA_REPLICATION_FACTOR: '3',
        KAFKA_MIN_INSYNC_REPLICAS: '2',
      });
      expect({ app, depends_on: cluster[app]?.depends_on }).toEqual({
        app,
        depends_on: {
          kafka: { condition: 'service_healthy', required: false },
          ...Object.fromEntries(brokers.map(([name]) => [name, { condition: 'service_healthy' }])),
        },
      });
    }
    // docker-compose.yml's single broker stays off: its profile is enabled by none of the documented commands.
    expect(cluster.kafka?.profiles).toEqual(['single-kafka']);
  });

  it("leaves docker-compose.yml's single broker as simple as it was: one node, replication 1", () => {
    expect(env(base.kafka)).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    });
    for (const app of apps) {
      expect(env(base[app]).KAFKA_BROKERS).toBe('kafka:9092');
      // One bootstrap address: the apps default to one replica, one in sync.
      expect(env(base[app]).KAFKA_REPLICATION_FACTOR).toBeUndefined();
    }
  });
});
