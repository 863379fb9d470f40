import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'catalog', name: 'region' })
export class Region {
  @PrimaryColumn('text')
  code!: string;

  @Column('text')
  name!: string;

  /** OS images offered in this region. */
  @Column('text', { array: true })
  images!: string[];
}
