/**
 * The SchemaRegistry behaviour of a cloud registry that can only list a subject's versions
 * (Pub/Sub schema revisions, Azure schema versions) and has no numeric ids, no compatibility
 * modes of its own: everything but the storage is answered from a subject's history, oldest
 * first. An adapter supplies the history, the subject list, the modes and the write of one new
 * version; registering, lookups, id scans, compatibility checks and validation are shared.
 */
import type { CompatibilityMode, CompatibilityResult, RegisteredSchema, SchemaRegistry, ValidationIssue } from '../../ports/SchemaRegistry';
import { SchemaNotFoundError } from '../../ports/SchemaRegistry';
import { SchemaIdNotFoundError } from './errors';
import { assertCanRegister, assertSubjectName, canonicalOrThrow, compatibilityFor, findSameSchema, ValidatorCache } from './registryRules';

/** The subject under which an adapter keeps the global compatibility mode. */
export const GLOBAL_SUBJECT = '';

export abstract class HistoryBackedRegistry implements SchemaRegistry {
  private readonly byId = new Map<number, RegisteredSchema>();
  private readonly validators = new ValidatorCache();

  /** The subject's versions, oldest first; [] for an unknown subject. */
  protected abstract history(subject: string): Promise<RegisteredSchema[]>;
  /** The mode of `subject` (GLOBAL_SUBJECT for the global one), with the global mode and BACKWARD as fallbacks. */
  protected abstract modeOf(subject: string): Promise<CompatibilityMode>;
  /** Stores `canonical` as the next version of `subject` (after `history`), already checked. */
  protected abstract store(subject: string, canonical: string, history: readonly RegisteredSchema[]): Promise<RegisteredSchema>;
  abstract subjects(): Promise<string[]>;
  abstract setCompatibility(mode: CompatibilityMode, subject?: string): Promise<void>;
  abstract close(): Promise<void>;

  async register(subject: string, schema: string): Promise<RegisteredSchema> {
    assertSubjectName(subject);
    const canonical = canonicalOrThrow(schema);
    const history = await this.history(subject);
    const same = findSameSchema(history, canonical);
    if (same) return same;
    assertCanRegister(subject, canonical, history, await this.modeOf(subject));
    return this.remember(await this.store(subject, canonical, history));
  }

  async get(subject: string, version: number | 'latest'): Promise<RegisteredSchema> {
    assertSubjectName(subject);
    const history = await this.history(subject);
    if (history.length === 0) throw new SchemaNotFoundError(subject);
    const found = version === 'latest' ? history[history.length - 1] : history.find((v) => v.version === version);
    if (!found) throw new SchemaNotFoundError(subject, version);
    return found;
  }

  /** The registry cannot look an id up: scan every subject once, then answer from the cache. */
  async getById(id: number): Promise<RegisteredSchema> {
    const cached = this.byId.get(id);
    if (cached) return cached;
    for (const subject of await this.subjects()) for (const v of await this.history(subject)) this.remember(v);
    const found = this.byId.get(id);
    if (!found) throw new SchemaIdNotFoundError(id);
    return found;
  }

  async versions(subject: string): Promise<number[]> {
    const history = await this.history(subject);
    if (history.length === 0) throw new SchemaNotFoundError(subject);
    return history.map((v) => v.version);
  }

  async checkCompatibility(subject: string, schema: string, against?: number | 'latest' | 'all'): Promise<CompatibilityResult> {
    assertSubjectName(subject);
    return compatibilityFor(subject, canonicalOrThrow(schema), await this.history(subject), await this.modeOf(subject), against);
  }

  async getCompatibility(subject?: string): Promise<CompatibilityMode> {
    if (subject !== undefined) assertSubjectName(subject);
    return this.modeOf(subject ?? GLOBAL_SUBJECT);
  }

  async validate(subject: string, version: number, data: unknown): Promise<ValidationIssue[]> {
    return this.validators.validate(subject, version, data, (sub, v) => this.get(sub, v));
  }

  /** Keeps the first version seen for each id (one id per distinct schema text). */
  protected remember(r: RegisteredSchema): RegisteredSchema {
    if (!this.byId.has(r.id)) this.byId.set(r.id, r);
    return r;
  }
}
