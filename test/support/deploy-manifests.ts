import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ROOT } from './processes.js';

// The deployment's files as written (deploy/k8s/*.yaml, the compose files), for the specs that check them against the
// code: test/split/deploy-manifests.spec.ts and kafka-postgres-manifests.spec.ts.

export type Obj = Record<string, unknown>;
export interface SecretKeyRef {
  name: string;
  key: string;
}
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: SecretKeyRef; configMapKeyRef?: unknown };
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
export interface PodSpec {
  containers: Container[];
  volumes?: {
    name: string;
    configMap?: { name: string };
    secret?: { secretName: string; items?: { key: string; path: string }[] };
  }[];
}
export interface Manifest {
  file: string;
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Obj;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

export const K8S_DIR = 'deploy/k8s';

/** Every object of every deploy/k8s/*.yaml file, with the file it is in. */
export const manifests: Manifest[] = readdirSync(join(ROOT, K8S_DIR))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(read(`${K8S_DIR}/${file}`)).map((doc) => {
      if (doc.errors.length > 0) {
        throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      }
      return { file, ...(doc.toJS() as Omit<Manifest, 'file'>) };
    }),
  );

export function manifest(kind: string, name: string): Manifest {
  const found = manifests.filter((m) => m.kind === kind && m.metadata.name === name);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name} under ${K8S_DIR}, found ${found.length}`);
  }
  return found[0];
}

export const manifestsOf = (kind: string): Manifest[] => manifests.filter((m) => m.kind === kind);

export const podOf = (m: Manifest): { labels: Record<string, string>; spec: PodSpec } => {
  const template = (m.spec as { template: { metadata: { labels: Record<string, string> }; spec: PodSpec } })
    .template;
  return { labels: template.metadata.labels, spec: template.spec };
};

export const envOf = (container: Container | undefined): Map<string, EnvVar> =>
  new Map((container?.env ?? []).map((e) => [e.name, e]));

export interface ComposeService {
  image?: string;
  profiles?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition?: string; required?: boolean }> | string[];
  healthcheck?: { test: string[] };
}

/** A compose file with its YAML merge keys (<<) resolved. */
export function composeFile(path: string): { services: Record<string, ComposeService> } {
  return parse(read(path), { merge: true }) as { services: Record<string, ComposeService> };
}
