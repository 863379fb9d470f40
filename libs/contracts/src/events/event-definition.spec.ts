import { Type } from 'typebox';
import { defineEvent, firstVersion, nextVersion, versionsOf } from './event-definition.js';

const v1 = firstVersion({
  properties: { thingId: Type.String({ format: 'uuid' }) },
  example: { thingId: '0192f0a4-3b1e-7c2d-8e4f-5a6b7c8d9e01' },
});
const v2 = nextVersion(v1, {
  properties: { ...v1.properties, size: Type.Integer() },
  changes: 'Adds size.',
  example: { ...v1.example, size: 3 },
  upcast: (previous) => ({ ...previous, size: 1 }),
});

describe(defineEvent.name, () => {
  it('numbers versions from the chain and builds a closed 2020-12 schema per version', () => {
    const definition = defineEvent({
      type: 'thing.made',
      source: 'orders',
      subject: 'thingId',
      description: 'A thing was made.',
      versions: [v1, v2],
    });

    expect(definition.latestVersion).toBe(2);
    expect(versionsOf(definition).map((v) => v.version)).toEqual([1, 2]);
    expect(definition.versions[2]?.schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'urn:platforma:event:thing.made:v2',
      title: 'thing.made v2',
      description: 'A thing was made. Changes in v2: Adds size.',
      additionalProperties: false,
      required: ['thingId', 'size'],
    });
    expect(definition.versions[1]?.upcast).toBeUndefined();
    expect(definition.versions[2]?.upcast?.(v1.example)).toEqual({ ...v1.example, size: 1 });
  });

  it('rejects versions listed out of order', () => {
    expect(() =>
      defineEvent({
        type: 'thing.made',
        source: 'orders',
        subject: 'thingId',
        description: 'x',
        versions: [v2, v1],
      }),
    ).toThrow('thing.made: versions must be listed in order from 1, found v2 at 1');
  });
});
