/**
 * The local stack's schema registry: registered versions and global ids in SQLite
 * (better-sqlite3), seeded from the `schemas/` directory on open. Compatibility and
 * validation are the shared core functions, so this registry answers exactly like the cloud
 * ones. Ids follow Confluent: one id per distinct schema text, shared across subjects.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type {
  CompatibilityMode, CompatibilityResult, RegisteredSchema, SchemaRegistry, ValidationIssue,
} from '../../ports/SchemaRegistry';
import { InvalidSchemaError, SchemaNotFoundError } from '../../ports/SchemaRegistry';
import { UnavailableError } from '../../ports/errors';
import { SchemaIdNotFoundError } from '../../core/schema/errors';
import { assertCanRegister, assertSubjectName, canonicalOrThrow, compatibilityFor, findSameSchema, ValidatorCache } from '../../core/schema/registryRules';
import { parseCompatibilityMode } from '../../core/schema/compatibility';
import { canonicalSchema } from '../../core/schema/avro';
import { loadSchemaDir, type SchemaSet } from '../../core/schema/schemaFiles';

export interface LocalSchemaRegistryOptions {
  /** SQLite file, or ':memory:'. */
  readonly path: string;
  /** Directory of `.avsc` files registered (and checked against the database) on open. */
  readonly schemasDir?: string;
}

const GLOBAL = '';

interface VersionRow { subject: string; version: number; id: number; schema: string }

export class LocalSchemaRegistry implements SchemaRegistry {
  /** subject@version → validator; registered versions are immutable, so entries never go stale. */
  private readonly validators = new ValidatorCache();
  private closed = false;

  private constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(`
      CREATE TABLE IF NOT EXISTS schemas (id INTEGER PRIMARY KEY AUTOINCREMENT, schema TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS subject_versions (
        subject TEXT NOT NULL, version INTEGER NOT NULL, schema_id INTEGER NOT NULL REFERENCES schemas(id),
        registered_at TEXT NOT NULL, PRIMARY KEY (subject, version));
      CREATE TABLE IF NOT EXISTS config (subject TEXT PRIMARY KEY, compatibility TEXT NOT NULL);
    `);
  }

  /** Opens (creating if needed) the database and registers every file of `schemasDir`. */
  static async open(options: LocalSchemaRegistryOptions): Promise<LocalSchemaRegistry> {
    if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
    const registry = new LocalSchemaRegistry(new Database(options.path));
    try {
      if (options.schemasDir) await registry.seed(loadSchemaDir(options.schemasDir));
    } catch (err) {
      await registry.close();
      throw err;
    }
    return registry;
  }

  /**
   * Makes the database agree with the files: modes from registry.json, then each file version
   * in order. A file that differs from the version already registered under its number is an
   * error (registered versions are immutable: add v<N+1> instead).
   */
  async seed(set: SchemaSet): Promise<void> {
    await this.setCompatibility(set.defaultCompatibility);
    for (const files of set.subjects.values()) {
      if (files.compatibility) await this.setCompatibility(files.compatibility, files.subject);
      for (const file of files.versions) {
        const existing = this.row(files.subject, file.version);
        if (existing) {
          if (existing.schema !== canonicalSchema(file.schema)) {
            throw new InvalidSchemaError(`schemas/${file.path} differs from the registered ${files.subject} version ${file.version}; registered versions are immutable, add a new version file instead`);
          }
          continue;
        }
        const registered = await this.register(files.subject, file.schema);
        if (registered.version !== file.version) {
          throw new InvalidSchemaError(`schemas/${file.path} registered as ${files.subject} version ${registered.version}, expected ${file.version} (the registry holds other versions of this subject)`);
        }
      }
    }
  }

  async register(subject: string, schema: string): Promise<RegisteredSchema> {
    this.open();
    assertSubjectName(subject);
    const canonical = canonicalOrThrow(schema);
    return this.guard(() => this.db.transaction((): RegisteredSchema => {
      const history = this.rows(subject);
      const same = findSameSchema(history, canonical);
      if (same) return same;
      assertCanRegister(subject, canonical, history, this.modeOf(subject));
      this.db.prepare('INSERT OR IGNORE INTO schemas (schema) VALUES (?)').run(canonical);
      const { id } = this.db.prepare('SELECT id FROM schemas WHERE schema = ?').get(canonical) as { id: number };
      const version = (history[history.length - 1]?.version ?? 0) + 1;
      this.db.prepare('INSERT INTO subject_versions (subject, version, schema_id, registered_at) VALUES (?, ?, ?, ?)')
        .run(subject, version, id, new Date().toISOString());
      return { subject, version, id, schema: canonical };
    }).immediate());
  }

  async get(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    this.open();
    const history = this.rows(subject);
    if (history.length === 0) throw new SchemaNotFoundError(subject);
    const found = version === 'latest' ? history[history.length - 1] : history.find((v) => v.version === version);
    if (!found) throw new SchemaNotFoundError(subject, version);
    return found;
  }

  async getById(id: number): Promise<RegisteredSchema> {
    this.open();
    const row = this.db.prepare(`
      SELECT v.subject, v.version, s.id, s.schema FROM schemas s JOIN subject_versions v ON v.schema_id = s.id
      WHERE s.id = ? ORDER BY v.subject, v.version LIMIT 1`).get(id) as VersionRow | undefined;
    if (!row) throw new SchemaIdNotFoundError(id);
    return row;
  }

  async subjects(): Promise<string[]> {
    this.open();
    return (this.db.prepare('SELECT DISTINCT subject FROM subject_versions ORDER BY subject').all() as Array<{ subject: string }>).map((r) => r.subject);
  }

  async versions(subject: string): Promise<number[]> {
    this.open();
    const versions = this.rows(subject).map((r) => r.version);
    if (versions.length === 0) throw new SchemaNotFoundError(subject);
    return versions;
  }

  async checkCompatibility(subject: string, schema: string, against?: number | 'latest' | 'all'): Promise<CompatibilityResult> {
    this.open();
    const canonical = canonicalOrThrow(schema);
    return compatibilityFor(subject, canonical, this.rows(subject), this.modeOf(subject), against);
  }

  async getCompatibility(subject?: string): Promise<CompatibilityMode> {
    this.open();
    return this.modeOf(subject ?? GLOBAL);
  }

  async setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void> {
    this.open();
    parseCompatibilityMode(mode);
    if (subject !== undefined) assertSubjectName(subject);
    this.db.prepare('INSERT INTO config (subject, compatibility) VALUES (?, ?) ON CONFLICT(subject) DO UPDATE SET compatibility = excluded.compatibility')
      .run(subject ?? GLOBAL, mode);
  }

  async validate(subject: string, version: number, data: unknown): Promise<ValidationIssue[]> {
    return this.validators.validate(subject, version, data, (sub, v) => this.get(sub, v));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private modeOf(subject: string): CompatibilityMode {
    const own = this.stmt('SELECT compatibility FROM config WHERE subject = ?').get(subject) as { compatibility: CompatibilityMode } | undefined;
    if (own) return own.compatibility;
    const global = this.stmt('SELECT compatibility FROM config WHERE subject = ?').get(GLOBAL) as { compatibility: CompatibilityMode } | undefined;
    return global?.compatibility ?? 'BACKWARD';
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Prepared once per SQL text (preparing on every call dominated validate's cost). */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private rows(subject: string): VersionRow[] {
    return this.stmt(`
      SELECT v.subject, v.version, s.id, s.schema FROM subject_versions v JOIN schemas s ON s.id = v.schema_id
      WHERE v.subject = ? ORDER BY v.version`).all(subject) as VersionRow[];
  }

  private row(subject: string, version: number): VersionRow | undefined {
    return this.rows(subject).find((r) => r.version === version);
  }

  private open(): void {
    if (this.closed) throw new UnavailableError('local schema registry', 'the registry was closed');
  }

  /** SQLite busy/locked becomes the port's retryable UnavailableError; domain errors pass through. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new UnavailableError('local schema registry', String((err as Error).message), { cause: err });
      throw err;
    }
  }
}
