import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { EVENT_DEFINITIONS, type EventData, type EventType } from '../event-catalog.js';
import { versionsOf } from '../events/event-definition.js';
import { describeAjvErrors } from './ajv-errors.js';

export type ValidationFailure = 'unknown_type' | 'unknown_version' | 'invalid_payload';

export type ValidationResult<T = unknown> =
  | { readonly ok: true; readonly data: T }
  | { readonly ok: false; readonly failure: ValidationFailure; readonly errors: string[] };

export interface EventValidatorOptions {
  /**
   * 'reject' (default) fails payloads with properties the schema does not know: right for producers, where
   * such a property is a bug. 'strip' drops them instead, letting a consumer still on an older build read
   * payloads from a producer that already added a compatible optional field.
   */
  readonly unknownProperties?: 'reject' | 'strip';
}

/** Thrown by upcast() when given a payload that is not valid in the version it claims: a caller bug. */
export class EventUpcastError extends Error {
  readonly errors: string[];

  constructor(message: string, errors: string[]) {
    super(`${message}: ${errors.join('; ')}`);
    this.name = 'EventUpcastError';
    this.errors = errors;
  }
}

interface CompiledEvent {
  readonly latestVersion: number;
  readonly versions: ReadonlyMap<number, CompiledVersion>;
}

interface CompiledVersion {
  readonly check: ValidateFunction;
  readonly upcast?: (previous: unknown) => unknown;
}

/** Holds every schema of every version, compiled once: create one per process and share it. */
export class EventValidator {
  private readonly events = new Map<string, CompiledEvent>();

  constructor(options: EventValidatorOptions = {}) {
    const ajv = new Ajv2020({
      allErrors: true,
      strict: true,
      // Fills defaults of optional fields, which is what keeps a payload written before the field existed valid.
      useDefaults: true,
      removeAdditional: options.unknownProperties === 'strip',
    });
    // ajv-formats is CommonJS whose default export arrives as `module.exports`; `.default` is the plugin.
    addFormats.default(ajv, ['uuid', 'date-time', 'email', 'hostname', 'ipv4', 'ipv6']);
    for (const definition of EVENT_DEFINITIONS) {
      const versions = new Map<number, CompiledVersion>();
      for (const version of versionsOf(definition)) {
        versions.set(version.version, { check: ajv.compile(version.schema), upcast: version.upcast });
      }
      this.events.set(definition.type, { latestVersion: definition.latestVersion, versions });
    }
  }

  /** Checks `data` against one version's schema. Returns a copy with defaults applied; `data` is untouched. */
  validate(type: string, version: number, data: unknown): ValidationResult {
    const event = this.events.get(type);
    if (event === undefined) {
      return { ok: false, failure: 'unknown_type', errors: [`unknown event type '${type}'`] };
    }
    const compiled = event.versions.get(version);
    if (compiled === undefined) {
      const known = [...event.versions.keys()].join(', ');
      return {
        ok: false,
        failure: 'unknown_version',
        errors: [`unknown version ${version} of '${type}' (known: ${known})`],
      };
    }
    let copy: unknown;
    try {
      copy = structuredClone(data);
    } catch {
      return { ok: false, failure: 'invalid_payload', errors: ['/ is not plain JSON data'] };
    }
    if (compiled.check(copy)) {
      return { ok: true, data: copy };
    }
    return { ok: false, failure: 'invalid_payload', errors: describeAjvErrors(compiled.check.errors ?? []) };
  }

  validateLatest<T extends EventType>(type: T, data: unknown): ValidationResult<EventData<T>> {
    return this.validate(type, this.latestVersion(type), data) as ValidationResult<EventData<T>>;
  }

  /**
   * Lifts a payload valid in `fromVersion` to the latest version, one upcaster at a time. Each step is
   * validated, so defaults of that version are in place before the next upcaster runs. A payload already
   * in the latest version is returned validated. Throws EventUpcastError for an unknown type or version or
   * invalid input: validate() first when the payload comes off the wire.
   */
  upcast<T extends EventType>(type: T, fromVersion: number, data: unknown): EventData<T> {
    let current = this.validate(type, fromVersion, data);
    for (let version = fromVersion + 1; current.ok && version <= this.latestVersion(type); version++) {
      const upcast = this.events.get(type)?.versions.get(version)?.upcast;
      if (upcast === undefined) {
        throw new EventUpcastError(`${type} v${version} has no upcaster`, []);
      }
      current = this.validate(type, version, upcast(current.data));
    }
    if (!current.ok) {
      throw new EventUpcastError(`cannot upcast ${type} from v${fromVersion}`, current.errors);
    }
    return current.data as EventData<T>;
  }

  private latestVersion(type: string): number {
    return this.events.get(type)?.latestVersion ?? 0;
  }
}
