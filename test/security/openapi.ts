import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import request from 'supertest';

export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  example?: unknown;
  default?: unknown;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: OpenApiSchema;
}

/** One route as the OpenAPI document describes it; `route` is "METHOD /path/{param}". */
export interface Operation {
  route: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  parameters: Parameter[];
  body?: OpenApiSchema;
}

interface Document {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: RequestBody }>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}
interface RequestBody {
  content?: Record<string, { schema?: OpenApiSchema }>;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

/** Resolves `$ref`s (and nested ones) against the document's components, so a schema reads on its own. */
function resolve(schema: OpenApiSchema | undefined, doc: Document, depth = 0): OpenApiSchema | undefined {
  if (!schema || depth > 8) {
    return schema;
  }
  if (schema.$ref) {
    const name = schema.$ref.split('/').at(-1) ?? '';
    return resolve(doc.components?.schemas?.[name], doc, depth + 1);
  }
  const resolved: OpenApiSchema = { ...schema };
  if (schema.items) {
    resolved.items = resolve(schema.items, doc, depth + 1);
  }
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([k, v]) => [k, resolve(v, doc, depth + 1) ?? {}]),
    );
  }
  return resolved;
}

/** Every route the app serves, from its own OpenAPI document (GET /docs-json): a new endpoint is listed by itself. */
export async function operationsOf(app: INestApplication): Promise<Operation[]> {
  const response = await request(app.getHttpServer() as Server)
    .get('/docs-json')
    .expect(200);
  const doc = response.body as Document;
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([method]) => METHODS.has(method))
      .map(([method, op]) => ({
        route: `${method.toUpperCase()} ${path}`,
        method: method as Operation['method'],
        path,
        parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(p.schema, doc) })),
        body: resolve(op.requestBody?.content?.['application/json']?.schema, doc),
      })),
  );
}

/** The path with each {param} replaced. */
export function fill(path: string, values: Record<string, string> | ((name: string) => string)): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(typeof values === 'function' ? values(name) : (values[name] ?? '')),
  );
}
