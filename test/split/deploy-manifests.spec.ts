import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SOURCE_MODULES, type SourceModule } from '@app/contracts';
import { ROOT } from '../support/processes.js';
import { composeFile, manifest, manifests, podOf, read } from '../support/deploy-manifests.js';

// The split deployment's files kept honest against the code: Kubernetes manifests, docker-compose's split profile and
// the gateway's routes are read as written and checked against the controllers, the health endpoints and AppConfig.
// Kafka and PostgreSQL themselves (Strimzi, CloudNativePG, the compose cluster): kafka-postgres-manifests.spec.ts.

const APPS: readonly SourceModule[] = SOURCE_MODULES;
/** accounts 3001 … saga 3008, the order of SOURCE_MODULES. */
const portOf = (app: string): number => 3001 + APPS.indexOf(app as SourceModule);

const includes = (labels: Record<string, string>, selector: Record<string, string>): boolean =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);

/** AppConfig's variables, and which of them are marked @Secret(), from its source. */
function configVariables(): { all: Set<string>; secret: Set<string> } {
  const source = read('libs/platform/src/config/app.config.ts');
  const all = new Set<string>();
  const secret = new Set<string>();
  let marked = false;
  for (const line of source.split('\n')) {
    if (line.includes('@Secret()')) {
      marked = true;
    }
    const property = /^ {2}([A-Z][A-Z0-9_]+)(?::|\s*=)/.exec(line)?.[1];
    if (property) {
      all.add(property);
      if (marked) {
        secret.add(property);
      }
      marked = false;
    }
  }
  return { all, secret };
}

function sourcesOf(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !/\.(spec|integration-spec|e2e-spec)\.ts$/.test(f))
    .map((f) => join(dir, f));
}

/**
 * Secrets an app's code needs: DATABASE_URL and the token verification key everywhere, every @Secret() variable its
 * domain names, SECRETS_KEY where a SecretSealer is built, the signing key where tokens are issued.
 */
function secretsNeeded(app: string, secret: Set<string>): string[] {
  const text = sourcesOf(`libs/${app}/src`)
    .map((f) => read(f))
    .join('\n');
  // Every app verifies tokens, and production refuses to boot without a metrics token.
  const needed = new Set(['DATABASE_URL', 'JWT_PUBLIC_KEY', 'METRICS_TOKEN']);
  for (const name of secret) {
    if (new RegExp(`\\b${name}\\b`).test(text)) {
      needed.add(name);
    }
  }
  if (/\bSecretSealer\b/.test(text)) {
    needed.add('SECRETS_KEY');
  }
  if (/\bTokenService\b/.test(text)) {
    needed.add('JWT_PRIVATE_KEY');
  }
  return [...needed].sort();
}

/** Kept by the operators, not in platforma-secrets: kafka-postgres-manifests.spec.ts checks where they come from. */
const OPERATOR_SECRETS = ['DATABASE_URL', 'KAFKA_SASL_PASSWORD'];

describe('Kubernetes manifests (deploy/k8s)', () => {
  const { all: variables, secret: secretVariables } = configVariables();
  const config = manifest('ConfigMap', 'platforma-config');
  const secret = manifest('Secret', 'platforma-secrets');

  it('parses into namespaced objects of the platforma namespace', () => {
    expect(manifest('Namespace', 'platforma')).toBeDefined();
    for (const m of manifests.filter((x) => x.kind !== 'Namespace')) {
      expect({ object: `${m.kind}/${m.metadata.name}`, namespace: m.metadata.namespace }).toEqual({
        object: `${m.kind}/${m.metadata.name}`,
        namespace: 'platforma',
      });
    }
  });

  it.each(APPS)('%s: a Deployment whose Service selects its pods on the app port', (app) => {
    const deployment = manifest('Deployment', app);
    const service = manifest('Service', app);
    const { labels, spec } = podOf(deployment);
    const selector = (deployment.spec as { selector: { matchLabels: Record<string, string> } }).selector
      .matchLabels;
    expect(includes(labels, selector)).toBe(true);
    const serviceSpec = service.spec as {
      selector: Record<string, string>;
      ports: { port: number; targetPort: string | number }[];
    };
    expect(includes(labels, serviceSpec.selector)).toBe(true);
    // No other Deployment's pods may match this Service.
    for (const other of manifests.filter((m) => m.kind === 'Deployment' && m.metadata.name !== app)) {
      expect({
        other: other.metadata.name,
        matches: includes(podOf(other).labels, serviceSpec.selector),
      }).toEqual({ other: other.metadata.name, matches: false });
    }
    const [container] = spec.containers;
    expect(spec.containers).toHaveLength(1);
    const env = new Map((container?.env ?? []).map((e) => [e.name, e]));
    expect(env.get('PLATFORMA_APP')?.value).toBe(app);
    expect(env.get('PORT')?.value).toBe(String(portOf(app)));
    expect(container?.ports).toEqual([{ name: 'http', containerPort: portOf(app) }]);
    expect(serviceSpec.ports).toEqual([{ name: 'http', port: portOf(app), targetPort: 'http' }]);
    expect(container?.image).toMatch(/^platforma:/);
  });

  it.each(APPS)('%s: readiness on /health/ready, liveness on /health/live, of its own port', (app) => {
    const [container] = podOf(manifest('Deployment', app)).spec.containers;
    expect(container?.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container?.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container?.startupProbe?.httpGet?.path).toBe('/health/live');
  });

  it('probes paths the health controller serves', () => {
    const health = routesIn('libs/platform/src/health/health.controller.ts').map((r) => r.path);
    expect(health).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
  });

  it.each(APPS)('%s: the shared ConfigMap, and from the Secrets exactly what its code needs', (app) => {
    const [container] = podOf(manifest('Deployment', app)).spec.containers;
    expect(container?.envFrom).toEqual([{ configMapRef: { name: 'platforma-config' } }]);
    const fromSecret = (container?.env ?? []).filter((e) => e.valueFrom?.secretKeyRef);
    for (const e of fromSecret.filter((x) => !OPERATOR_SECRETS.includes(x.name))) {
      expect(e.valueFrom?.secretKeyRef).toEqual({ name: 'platforma-secrets', key: e.name });
      expect(Object.keys(secret.stringData ?? {})).toContain(e.name);
    }
    // Every app talks to Kafka as its own user.
    expect(fromSecret.map((e) => e.name).sort()).toEqual(
      [...secretsNeeded(app, secretVariables), 'KAFKA_SASL_PASSWORD'].sort(),
    );
    for (const e of container?.env ?? []) {
      expect(variables.has(e.name) || e.name === 'PLATFORMA_APP').toBe(true);
    }
  });

  it.each(APPS)('%s: requests CPU and memory, and caps memory', (app) => {
    const [container] = podOf(manifest('Deployment', app)).spec.containers;
    expect(container?.resources?.requests?.cpu).toMatch(/^\d+m?$/);
    expect(container?.resources?.requests?.memory).toMatch(/^\d+(Mi|Gi)$/);
    expect(container?.resources?.limits?.memory).toMatch(/^\d+(Mi|Gi)$/);
  });

  it('keeps config and secrets apart, every key an AppConfig variable, no real secret in the template', () => {
    for (const key of Object.keys(config.data ?? {})) {
      expect({ key, known: variables.has(key), secret: secretVariables.has(key) }).toEqual({
        key,
        known: true,
        secret: false,
      });
    }
    const template = secret.stringData ?? {};
    for (const [key, value] of Object.entries(template)) {
      expect({ key, known: variables.has(key), placeholder: value.includes('REPLACE_ME') }).toEqual({
        key,
        known: true,
        placeholder: true,
      });
    }
    for (const name of secretVariables) {
      expect(Object.keys(config.data ?? {})).not.toContain(name);
    }
    for (const name of OPERATOR_SECRETS) {
      expect(Object.keys(template)).not.toContain(name);
    }
  });

  it('migrates with a Job of the same image, and the kustomization applies every manifest but the Secret template', () => {
    const job = manifest('Job', 'platforma-migrate');
    const [container] = podOf(job).spec.containers;
    expect(container?.args).toEqual(['migrate']);
    expect(container?.image).toMatch(/^platforma:/);
    // The database owner (CloudNativePG's app user), like the apps.
    expect(container?.env).toEqual([
      {
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'platforma-postgres-app', key: 'uri' } },
      },
    ]);
    const kustomization = parse(read('deploy/kustomization.yaml')) as {
      resources: string[];
      configMapGenerator: { name: string; files: string[] }[];
    };
    const files = [...new Set(manifests.map((m) => `k8s/${m.file}`))].filter(
      (f) => f !== 'k8s/secret.template.yaml',
    );
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(kustomization.configMapGenerator).toEqual([
      { name: 'gateway-nginx', files: ['gateway/nginx.conf'] },
    ]);
    const gateway = podOf(manifest('Deployment', 'gateway')).spec;
    expect(gateway.volumes).toEqual([{ name: 'config', configMap: { name: 'gateway-nginx' } }]);
    expect(gateway.containers[0]?.volumeMounts?.[0]?.mountPath).toBe('/etc/nginx/nginx.conf');
    expect(gateway.containers[0]?.readinessProbe?.httpGet?.path).toBe('/healthz');
  });
});

describe('docker-compose split profile', () => {
  const compose = composeFile('docker-compose.yml');

  it.each(APPS)('%s runs from the one image, chosen by PLATFORMA_APP, on its port', (app) => {
    const service = compose.services[app];
    expect(service?.profiles).toEqual(['split']);
    expect(service?.environment?.PLATFORMA_APP).toBe(app);
    expect(service?.environment?.PORT).toBe(portOf(app));
    expect(service?.ports).toEqual([`${portOf(app)}:${portOf(app)}`]);
  });

  it('puts the gateway on 8080 with deploy/gateway/nginx.conf, after every app it routes to', () => {
    const gateway = compose.services.gateway;
    expect(gateway?.profiles).toEqual(['split']);
    expect(gateway?.ports).toEqual(['8080:8080']);
    expect(gateway?.volumes).toEqual(['./deploy/gateway/nginx.conf:/etc/nginx/nginx.conf:ro']);
    expect(Object.keys(gateway?.depends_on ?? {}).sort()).toEqual(
      [...gatewayConfig().upstreams.keys()].sort(),
    );
  });
});

// ---- the gateway ------------------------------------------------------------------------------------------------

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** nginx's configuration syntax: directives ending in ';' or carrying a '{ … }' block; quotes and comments. */
function parseNginx(text: string): Directive[] {
  const tokens = [...text.matchAll(/#[^\n]*|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[{};]|[^\s{};'"#]+/g)]
    .map((m) => m[0])
    .filter((t) => !t.startsWith('#'));
  let at = 0;
  const block = (): Directive[] => {
    const directives: Directive[] = [];
    let words: string[] = [];
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token === '}') {
        return directives;
      }
      if (token === ';') {
        directives.push({ name: words[0] ?? '', args: words.slice(1) });
        words = [];
      } else if (token === '{') {
        directives.push({ name: words[0] ?? '', args: words.slice(1), block: block() });
        words = [];
      } else {
        words.push(token);
      }
    }
    return directives;
  };
  return block();
}

interface Location {
  modifier: '' | '=' | '^~';
  path: string;
  upstream?: string;
}

function gatewayConfig(): { upstreams: Map<string, string[]>; locations: Location[]; listen: string[] } {
  const http = parseNginx(read('deploy/gateway/nginx.conf')).find((d) => d.name === 'http');
  const upstreams = new Map(
    (http?.block ?? [])
      .filter((d) => d.name === 'upstream')
      .map((d) => [
        d.args[0] ?? '',
        (d.block ?? []).filter((s) => s.name === 'server').map((s) => s.args[0] ?? ''),
      ]),
  );
  const servers = (http?.block ?? []).filter((d) => d.name === 'server');
  if (servers.length !== 1) {
    throw new Error(`deploy/gateway/nginx.conf should have one server block, has ${servers.length}`);
  }
  const server = servers[0]?.block ?? [];
  const locations = server
    .filter((d) => d.name === 'location')
    .map((d): Location => {
      const [first = '', second] = d.args;
      if (second !== undefined && first !== '=' && first !== '^~') {
        // Regular expression locations would make the matching below incomplete.
        throw new Error(`unsupported location modifier ${first} in deploy/gateway/nginx.conf`);
      }
      const proxy = d.block?.find((x) => x.name === 'proxy_pass')?.args[0];
      return {
        modifier: second === undefined ? '' : (first as '=' | '^~'),
        path: second ?? first,
        upstream: proxy ? /^http:\/\/([a-z-]+);?$/.exec(proxy)?.[1] : undefined,
      };
    });
  const listen = server.filter((d) => d.name === 'listen').map((d) => d.args[0] ?? '');
  return { upstreams, locations, listen };
}

/** The location nginx picks for a URI: an exact match, else the longest matching prefix. */
function locate(locations: Location[], uri: string): Location | undefined {
  const exact = locations.find((l) => l.modifier === '=' && l.path === uri);
  if (exact) {
    return exact;
  }
  return locations
    .filter((l) => l.modifier !== '=' && uri.startsWith(l.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

interface Route {
  file: string;
  method: string;
  path: string;
}

const HTTP_METHOD = /@(Get|Post|Put|Patch|Delete|All|Options|Head)\(/g;

/** The HTTP routes a source file declares: each @Controller's path joined with its handlers' paths. */
function routesIn(file: string): Route[] {
  const text = read(file);
  const routes: Route[] = [];
  const controllers = [...text.matchAll(/@Controller\(([^)]*)\)/g)];
  controllers.forEach((controller, i) => {
    const base = literalPath(controller[1] ?? '', file);
    const body = text.slice(
      (controller.index ?? 0) + controller[0].length,
      controllers[i + 1]?.index ?? text.length,
    );
    const handlers = [...body.matchAll(/@(Get|Post|Put|Patch|Delete|All|Options|Head)\(([^)]*)\)/g)];
    // A decorator the pattern cannot read (an array, a constant) must fail here rather than escape the check.
    if (handlers.length !== [...body.matchAll(HTTP_METHOD)].length) {
      throw new Error(`${file}: a route decorator this check cannot read`);
    }
    for (const handler of handlers) {
      const path = ['', base, literalPath(handler[2] ?? '', file)]
        .filter((p, n) => n === 0 || p !== '')
        .join('/');
      routes.push({ file, method: (handler[1] ?? '').toUpperCase(), path: path.replace(/\/+/g, '/') || '/' });
    }
  });
  return routes;
}

function literalPath(argument: string, file: string): string {
  const trimmed = argument.trim();
  if (trimmed === '') {
    return '';
  }
  const literal = /^'([^']*)'$/.exec(trimmed) ?? /^"([^"]*)"$/.exec(trimmed);
  if (!literal) {
    throw new Error(`${file}: cannot read the route path ${trimmed}`);
  }
  return (literal[1] ?? '').replace(/^\/|\/$/g, '');
}

describe('gateway (deploy/gateway/nginx.conf)', () => {
  const gateway = gatewayConfig();
  const routes = APPS.flatMap((app) =>
    sourcesOf(`libs/${app}/src`).flatMap((file) => routesIn(file).map((route) => ({ app, ...route }))),
  );

  it('finds the controllers (the check below is not vacuous)', () => {
    const owners = new Set(routes.map((r) => r.app));
    expect([...owners]).toEqual(
      expect.arrayContaining(['accounts', 'catalog', 'orders', 'provisioning', 'billing']),
    );
    expect(routes.length).toBeGreaterThan(15);
  });

  it('sends every route of every controller in libs/ to the app that owns it', () => {
    const misrouted = routes
      .map((r) => {
        // A path parameter stands for any one segment, e.g. an id.
        const uri = r.path.replace(/:[A-Za-z0-9_]+/g, '0190f0c0-0000-7000-8000-000000000000');
        return {
          route: `${r.method} ${r.path}`,
          file: r.file,
          owner: r.app,
          to: locate(gateway.locations, uri)?.upstream,
        };
      })
      .filter((r) => r.to !== r.owner);
    expect(misrouted).toEqual([]);
  });

  it('points each upstream at its app: the compose service and Kubernetes Service name, on the app port', () => {
    expect(gateway.upstreams.size).toBeGreaterThan(0);
    for (const [name, servers] of gateway.upstreams) {
      expect({ name, servers }).toEqual({ name, servers: [`${name}:${portOf(name)}`] });
      expect(APPS).toContain(name);
      expect(manifest('Service', name)).toBeDefined();
    }
    for (const location of gateway.locations) {
      if (location.upstream !== undefined) {
        expect(gateway.upstreams.has(location.upstream)).toBe(true);
      }
    }
  });

  it('listens on 8080 and answers anything unknown itself', () => {
    expect(gateway.listen).toEqual(['8080']);
    expect(locate(gateway.locations, '/healthz')).toMatchObject({ modifier: '=', upstream: undefined });
    expect(locate(gateway.locations, '/wp-login.php')).toMatchObject({ path: '/', upstream: undefined });
    expect(locate(gateway.locations, '/health/ready')).toMatchObject({ path: '/', upstream: undefined });
  });
});
