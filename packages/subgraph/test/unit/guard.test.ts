import { describe, expect, it } from 'vitest';
import { graphql } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { allow, guardSchema, isMember } from '../../src/guard.js';

const schema = buildSubgraphSchema({
  typeDefs: parse(`
    type Query { open: Thing newField: String }
    type Thing { name: String secret: String }
  `),
  resolvers: { Query: { open: () => ({ name: 'n', secret: 's' }), newField: () => 'x' } } as never,
});
const guarded = guardSchema(schema, { Query: { open: allow }, Thing: { secret: isMember } });
const run = (viewer: unknown) => graphql({ schema: guarded, source: '{ open { name secret } newField }', contextValue: { viewer } });

describe('subgraph guard', () => {
  it('denies a root field no rule names, and applies field rules, for an anonymous caller', async () => {
    const result = await run({ kind: 'anonymous' });
    expect(result.data).toEqual({ open: { name: 'n', secret: null }, newField: null });
    expect(result.errors?.map((e) => [e.path?.join('.'), e.extensions.code])).toEqual([
      ['open.secret', 'UNAUTHENTICATED'],
      ['newField', 'FORBIDDEN'],
    ]);
  });
  it('lets a member through the field rule, while the unnamed root field stays closed', async () => {
    const result = await run({ kind: 'member', memberId: 'm' });
    expect(result.data).toEqual({ open: { name: 'n', secret: 's' }, newField: null });
  });
});
