import { describe, expect, it } from 'vitest';
import { SANCTION_KINDS, TIER_CODES } from '@membership/events';
import { CATALOGUES, DEFAULT_LANGUAGE, LANGUAGES, MessageError, placeholders, translate } from '../../src/messages/index.js';

describe('message catalogues', () => {
  it('every language has exactly the keys every other language has', () => {
    const keys = (language: (typeof LANGUAGES)[number]) => Object.keys(CATALOGUES[language]).sort();
    for (const language of LANGUAGES) {
      const missing = keys(DEFAULT_LANGUAGE).filter((k) => !Object.hasOwn(CATALOGUES[language], k));
      const extra = keys(language).filter((k) => !Object.hasOwn(CATALOGUES[DEFAULT_LANGUAGE], k));
      expect({ language, missing, extra }).toEqual({ language, missing: [], extra: [] });
    }
  });

  it('a message has the same placeholders in every language, so no translation drops a value or asks for one nobody sends', () => {
    const mismatched = Object.keys(CATALOGUES[DEFAULT_LANGUAGE]).flatMap((key) =>
      LANGUAGES.filter(
        (l) =>
          JSON.stringify([...new Set(placeholders(CATALOGUES[l][key] ?? ''))].sort()) !==
          JSON.stringify([...new Set(placeholders(CATALOGUES[DEFAULT_LANGUAGE][key]!))].sort()),
      ).map((l) => `${l}:${key}`),
    );
    expect(mismatched).toEqual([]);
  });

  it('every tier and sanction kind of the event contract has a name in every language', () => {
    for (const language of LANGUAGES) {
      for (const code of TIER_CODES) expect(CATALOGUES[language][`tier.${code}`], `${language} tier.${code}`).toBeTruthy();
      for (const kind of SANCTION_KINDS) {
        expect(CATALOGUES[language][`sanction.${kind}`], `${language} sanction.${kind}`).toBeTruthy();
        expect(CATALOGUES[language][`identity.sanction_applied.${kind}.title`], `${language} applied ${kind}`).toBeTruthy();
        expect(CATALOGUES[language][`identity.sanction_lifted.${kind}.title`], `${language} lifted ${kind}`).toBeTruthy();
      }
    }
  });

  it('fills params, shows a code through its list, and refuses a missing param or message', () => {
    expect(translate('zh-CN', 'identity.tier_changed.title', { from: 'SILVER', to: 'GOLD' })).toBe('您的会员等级已变为黄金');
    expect(translate('en', 'identity.tier_changed.title', { from: 'SILVER', to: 'GOLD' })).toBe('Your tier is now Gold');
    // A code the catalogue does not name shows as itself rather than failing.
    expect(translate('en', 'identity.tier_changed.title', { from: 'SILVER', to: 'MYSTERY' })).toBe('Your tier is now MYSTERY');
    expect(() => translate('en', 'identity.tier_changed.title', { from: 'SILVER' })).toThrow(MessageError);
    expect(() => translate('en', 'no.such.message')).toThrow('no message no.such.message in en');
  });
});
