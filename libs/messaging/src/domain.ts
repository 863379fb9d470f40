import type { SourceModule } from '@app/contracts';

/** How a domain module appears to the messaging layer: its schema (outbox, inbox), consumer group and transport. */
export interface DomainDescriptor {
  readonly name: SourceModule;
  /** PostgreSQL schema owning the domain's tables, outbox and inbox. */
  readonly schema: string;
  /** Consumer group, identical in the monolith and in the split app. */
  readonly groupId: string;
  /** Nest transport id: in the monolith each domain's Kafka server registers only its own handlers. */
  readonly transport: symbol;
}

export function defineDomain(name: SourceModule): DomainDescriptor {
  return {
    name,
    schema: name,
    groupId: `platforma.${name}`,
    transport: Symbol.for(`platforma.transport.${name}`),
  };
}
