import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Column, DataSource, Entity, ManyToOne, PrimaryColumn } from 'typeorm';
import { dataSourceOptions } from './data-source.options.js';
import { EntityRows } from './entity-rows.js';

// EntityRows on the real PostgreSQL: a row read with its column list is the entity TypeORM's own find returns.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/platforma';
const schema = `entity_rows_${randomUUID().slice(0, 8)}`;

const bigintAsNumber = { to: (v: number) => v, from: (v: string) => Number(v) };

@Entity({ schema, name: 'probe' })
class Probe {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  tenantName!: string;

  @Column('bigint', { transformer: bigintAsNumber })
  priceMinor!: number;

  @Column('integer')
  version!: number;

  @Column('char', { length: 3 })
  currency!: string;

  @Column('jsonb', { nullable: true })
  detail!: { step: string; percent: number } | null;

  @Column('text', { nullable: true })
  note!: string | null;

  @Column('timestamptz')
  createdAt!: Date;
}

@Entity({ schema, name: 'child' })
class Child {
  @PrimaryColumn('uuid')
  id!: string;

  @ManyToOne(() => Probe)
  probe!: Probe;
}

describe('EntityRows (real PostgreSQL)', () => {
  let source: DataSource;

  beforeAll(async () => {
    source = new DataSource({
      ...dataSourceOptions({ url, poolSize: 2, logging: false }),
      entities: [Probe, Child],
      logging: false,
    });
    await source.initialize();
    await source.query(`CREATE SCHEMA ${schema}`);
    await source.query(
      `CREATE TABLE ${schema}.probe (id uuid PRIMARY KEY, tenant_name text NOT NULL, price_minor bigint NOT NULL,
         version integer NOT NULL, currency char(3) NOT NULL, detail jsonb, note text, created_at timestamptz NOT NULL)`,
    );
  });

  afterAll(async () => {
    await source.query(`DROP SCHEMA ${schema} CASCADE`);
    await source.destroy();
  });

  it('reads a row as the entity find returns: its class, and every value converted and transformed', async () => {
    const rows = new EntityRows(source, Probe);
    expect(rows.columns('p')).toBe(
      'p."id", p."tenant_name", p."price_minor", p."version", p."currency", p."detail", p."note", p."created_at"',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          tenantName: fc.string(),
          priceMinor: fc.maxSafeNat(),
          version: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          currency: fc.constantFrom('EUR', 'USD', 'CHF'),
          detail: fc.option(fc.record({ step: fc.string(), percent: fc.nat(100) })),
          note: fc.option(fc.string()),
          createdAt: fc.date({
            min: new Date('2000-01-01T00:00:00Z'),
            max: new Date('2100-01-01T00:00:00Z'),
            noInvalidDate: true,
          }),
        }),
        async (values) => {
          const id = randomUUID();
          // NUL is not storable in PostgreSQL text.
          const clean = (s: string) => s.replaceAll('\0', '');
          const stored: Probe = Object.assign(new Probe(), {
            ...values,
            id,
            tenantName: clean(values.tenantName),
            note: values.note === null ? null : clean(values.note),
            detail: values.detail && { ...values.detail, step: clean(values.detail.step) },
          });
          await source.manager.insert(Probe, stored);
          const [raw] = await source.query<Record<string, unknown>[]>(
            `SELECT ${rows.columns()} FROM ${schema}.probe WHERE id = $1`,
            [id],
          );
          const read = rows.entity(raw ?? {});
          expect(read).toBeInstanceOf(Probe);
          expect(read).toEqual(await source.manager.findOneByOrFail(Probe, { id }));
          expect(read).toEqual(stored);
          // Two entities from one row, each under its own label.
          const [pair] = await source.query<Record<string, unknown>[]>(
            `SELECT ${rows.columns('a', 'a_')}, ${rows.columns('b', 'b_')}
               FROM ${schema}.probe a JOIN ${schema}.probe b ON b.id = a.id WHERE a.id = $1`,
            [id],
          );
          expect([rows.entity(pair ?? {}, 'a_'), rows.entity(pair ?? {}, 'b_')]).toEqual([stored, stored]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses an entity with relations, whose columns it cannot read alone', () => {
    expect(() => new EntityRows(source, Child).columns()).toThrow(/plain columns only/);
  });
});
