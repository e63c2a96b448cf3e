/**
 * Renders docs/api.md from the OpenAPI document that the local app serves at /docs/openapi.json.
 * The app is built in-process exactly as `npm start` builds it (startLocalApp) on a throw-away
 * state directory, and the document is read through fastify's inject (no network).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp } from '../../runtime/http/localApp';

type Json = Record<string, unknown>;
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: Json }>;
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Json }> }>;
  security?: unknown[];
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Starts the local app on a temp dir, reads its OpenAPI document, shuts it down. */
export async function loadOpenApiDocument(): Promise<OpenApiDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-docs-'));
  const local = await startLocalApp({ dir, port: 0, logger: false });
  try {
    const res = await local.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    if (res.statusCode !== 200) throw new Error(`GET /docs/openapi.json: expected 200, got ${res.statusCode}`);
    return res.json<OpenApiDocument>();
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A compact one-line TypeScript-like rendering of a JSON Schema, for tables. */
export function schemaSummary(schema: Json | undefined, depth = 0): string {
  if (!schema) return '—';
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  for (const key of ['oneOf', 'anyOf'] as const) {
    const alts = schema[key];
    if (Array.isArray(alts)) return alts.map((s) => schemaSummary(s as Json, depth)).join(' \\| ');
  }
  const type = Array.isArray(schema.type) ? schema.type.join('\\|') : (schema.type as string | undefined);
  if (type === 'array') return `${schemaSummary(schema.items as Json | undefined, depth)}[]`;
  if (type === 'object' || schema.properties) {
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const required = new Set((schema.required ?? []) as string[]);
    const names = Object.keys(props);
    if (names.length === 0) return 'object';
    if (depth >= 2) return '{ … }';
    return `{ ${names.map((n) => `${n}${required.has(n) ? '' : '?'}: ${schemaSummary(props[n], depth + 1)}`).join('; ')} }`;
  }
  const format = typeof schema.format === 'string' ? ` (${schema.format})` : '';
  return `${type ?? 'any'}${format}`;
}

const cell = (s: string | undefined): string => (s ?? '').replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();

function renderOperation(method: string, path: string, op: Operation): string[] {
  const out = [`### \`${method.toUpperCase()} ${path}\``, ''];
  if (op.summary) out.push(op.summary, '');
  if (op.description && op.description !== op.summary) out.push(op.description, '');
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  if (isPublic) out.push('Auth: public (no token).', '');
  if (op.parameters?.length) {
    out.push('| parameter | in | required | type | description |', '|---|---|---|---|---|');
    for (const p of op.parameters) {
      out.push(`| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : 'no'} | ${cell(schemaSummary(p.schema))} | ${cell(p.description)} |`);
    }
    out.push('');
  }
  const body = op.requestBody?.content;
  if (body) {
    for (const [mime, media] of Object.entries(body)) out.push(`Request body (\`${mime}\`): \`${schemaSummary(media.schema).replace(/\\\|/g, '|')}\``, '');
  }
  if (op.responses) {
    out.push('| status | description | body |', '|---|---|---|');
    for (const [status, r] of Object.entries(op.responses)) {
      const schema = r.content ? Object.values(r.content)[0]?.schema : undefined;
      out.push(`| ${status} | ${cell(r.description)} | ${schema ? `\`${cell(schemaSummary(schema))}\`` : ''} |`);
    }
    out.push('');
  }
  return out;
}

/** The whole Markdown page, deterministic (paths grouped by tag, sorted). */
export function renderApiReference(doc: OpenApiDocument): string {
  const ops: Array<{ tag: string; method: string; path: string; op: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) ops.push({ tag: op.tags?.[0] ?? 'other', method, path, op });
    }
  }
  ops.sort((a, b) => a.tag.localeCompare(b.tag) || a.path.localeCompare(b.path) || METHODS.indexOf(a.method) - METHODS.indexOf(b.method));
  const tags = [...new Set(ops.map((o) => o.tag))];
  const lines = [
    '<!-- GENERATED by `npm run docs:gen` (scripts/gen-docs.ts) from GET /docs/openapi.json. Do not edit by hand. -->',
    `# ${doc.info.title} reference (v${doc.info.version})`,
    '',
    doc.info.description ?? '',
    '',
    'The machine-readable document is served by every Nexus API at `GET /docs/openapi.json`.',
    'Stream names in paths are tenant-relative (`Order-42`); the tenant comes from the bearer token.',
    'Authentication: `Authorization: Bearer <JWT>` (the document\'s global security requirement); the liveness and',
    'readiness probes (`/health`, `/ready`) are configured public in the server. `nexus token` mints a development token.',
    '',
    '## Operations',
    '',
    ...tags.map((t) => `- **${t}**: ${ops.filter((o) => o.tag === t).map((o) => `\`${o.method.toUpperCase()} ${o.path}\``).join(', ')}`),
    '',
  ];
  for (const tag of tags) {
    lines.push(`## ${tag}`, '');
    for (const o of ops.filter((x) => x.tag === tag)) lines.push(...renderOperation(o.method, o.path, o.op));
  }
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
