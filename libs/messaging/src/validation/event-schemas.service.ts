import { Injectable } from '@nestjs/common';
import { EventValidator, eventDefinition, type EventType } from '@app/contracts';

export type SchemaCheck =
  | { ok: true; data: unknown }
  | { ok: false; failure: 'unknown_type' | 'unknown_version' | 'invalid_payload'; errors: string[] };

/** One compiled set of schemas per process: Ajv compiles every version once, at start-up. */
@Injectable()
export class EventSchemasService {
  /** Producers: a property the schema does not know is a bug. */
  private readonly validator = new EventValidator();
  /** Consumers: a newer producer may already send an optional field this build does not know; drop it. */
  private readonly tolerant = new EventValidator({ unknownProperties: 'strip' });

  latestVersion(type: EventType): number {
    return eventDefinition(type).latestVersion;
  }

  validate(type: EventType, version: number, data: unknown): SchemaCheck {
    return this.validator.validate(type, version, data);
  }

  /** Validates a consumed payload in its own version, then lifts it to the latest one. */
  accept(type: EventType, version: number, data: unknown): SchemaCheck {
    const latest = this.latestVersion(type);
    if (version !== latest && version !== latest - 1) {
      return {
        ok: false,
        failure: 'unknown_version',
        errors: [`unsupported version ${version} of ${type} (accepted: ${latest - 1}..${latest})`],
      };
    }
    const checked = this.tolerant.validate(type, version, data);
    if (!checked.ok || version === latest) {
      return checked;
    }
    return this.tolerant.validate(type, latest, this.tolerant.upcast(type, version, checked.data));
  }
}
