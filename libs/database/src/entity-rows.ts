import type { DataSource, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * An entity read with hand-written SQL: the column list for its SELECT, and each row made into the entity as
 * TypeORM's own hydration does it (an instance of the class; each value through the driver's conversion and the
 * column's transformer), both built once from the entity's metadata. For hot-path reads, where building the query
 * and hydrating the result through TypeORM cost more than the statement. Plain columns only: an entity with
 * relations or embedded entities is refused.
 */
export class EntityRows<T extends ObjectLiteral> {
  private metadata?: EntityMetadata;
  private readonly lists = new Map<string, string>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly target: EntityTarget<T>,
  ) {}

  /**
   * The entity's columns for a SELECT list, each as `alias."column"` when an alias is given, and named
   * `"<label>column"` when a label is (to read two entities from one row: give each its own label).
   */
  columns(alias?: string, label?: string): string {
    const key = `${alias ?? ''}/${label ?? ''}`;
    let list = this.lists.get(key);
    if (list === undefined) {
      const prefix = alias ? `${alias}.` : '';
      list = this.entityMetadata()
        .columns.map(
          (column) =>
            `${prefix}"${column.databaseName}"${label ? ` AS "${label}${column.databaseName}"` : ''}`,
        )
        .join(', ');
      this.lists.set(key, list);
    }
    return list;
  }

  /** A row of such a SELECT as the entity (its columns under the label they were selected with). */
  entity(row: Record<string, unknown>, label = ''): T {
    const metadata = this.entityMetadata();
    const entity = metadata.create(undefined, { fromDeserializer: true }) as T;
    for (const column of metadata.columns) {
      const value = row[`${label}${column.databaseName}`];
      if (value !== undefined) {
        column.setEntityValue(entity, this.dataSource.driver.prepareHydratedValue(value, column));
      }
    }
    return entity;
  }

  private entityMetadata(): EntityMetadata {
    if (!this.metadata) {
      const metadata = this.dataSource.getMetadata(this.target);
      if (metadata.relations.length > 0 || metadata.embeddeds.length > 0) {
        throw new Error(
          `${metadata.name}: EntityRows reads plain columns only (it has relations or embeddeds)`,
        );
      }
      this.metadata = metadata;
    }
    return this.metadata;
  }
}
