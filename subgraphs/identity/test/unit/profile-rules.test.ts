import { describe, expect, it } from 'vitest';
import { DomainError } from '@membership/subgraph';
import { profileChangesExport, profileUpdate, type ProfileInput } from '../../src/domain/profile-rules.js';

const ANA = { displayName: 'Ana', email: 'ana@example.com', phone: null };
const failure = (input: ProfileInput, current = ANA) => {
  try {
    profileUpdate(current, input);
  } catch (e) {
    if (e instanceof DomainError) return `${e.code}:${e.field}`;
    throw e;
  }
  return 'ok';
};

describe('profile corrections', () => {
  it('normalises the new values and names only the fields that really change', () => {
    expect(profileUpdate(ANA, { displayName: ' Ana ', email: 'ANA.Li@Example.com ', phone: '138 1234 5678' })).toEqual({
      email: 'ana.li@example.com',
      phone: '+8613812345678',
      fields: ['email', 'phone'],
    });
    expect(profileUpdate(ANA, { email: 'ana@example.com' })).toEqual({ fields: [] });
  });

  it('a contact may be removed while another remains', () => {
    expect(profileUpdate({ ...ANA, phone: '+8613812345678' }, { email: null })).toEqual({ email: null, fields: ['email'] });
    expect(profileUpdate({ ...ANA, phone: '+8613812345678' }, { email: '' })).toEqual({ email: null, fields: ['email'] });
  });

  it.each([
    ['nothing at all', {}, 'BAD_USER_INPUT:input'],
    ['removing the display name', { displayName: null }, 'BAD_USER_INPUT:displayName'],
    ['an empty display name', { displayName: '  ' }, 'BAD_USER_INPUT:displayName'],
    ['a malformed email', { email: 'ana@' }, 'BAD_USER_INPUT:email'],
    ['a malformed phone', { phone: '12345' }, 'BAD_USER_INPUT:phone'],
    ['removing the only contact', { email: null }, 'BAD_USER_INPUT:email'],
  ])('refuses %s', (_what, input, code) => {
    expect(failure(input as ProfileInput)).toBe(code);
  });

  it('the export lists corrections oldest first, with fields and never values', () => {
    const out = profileChangesExport([
      { changedAt: new Date('2026-11-29T11:00:00Z'), actorKind: 'member', fields: ['phone'] },
      { changedAt: new Date('2026-11-29T10:00:00Z'), actorKind: 'member', fields: ['email'] },
    ]);
    expect(out).toEqual([
      { at: '2026-11-29T10:00:00.000Z', by: 'member', fields: ['email'] },
      { at: '2026-11-29T11:00:00.000Z', by: 'member', fields: ['phone'] },
    ]);
  });
});
