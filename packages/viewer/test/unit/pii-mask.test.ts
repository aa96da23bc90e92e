import { describe, expect, it } from 'vitest';
import { maskValue } from '../../src/index.js';

describe('masking, applied by identity and again by the gateway', () => {
  it('masks each kind of value, and a masked value masked again stays as it was', () => {
    const cases: [Parameters<typeof maskValue>[0], string, string][] = [
      ['PHONE', '+8613812345678', '138****5678'],
      ['EMAIL', 'ana@example.com', 'a***@example.com'],
      ['ID_NUMBER', '110105199003070025', '110***********0025'],
      ['NAME', '王安娜', '王**'],
      ['REDACT', 'doc/ana-front.jpg', '********'],
    ];
    for (const [mask, value, masked] of cases) {
      expect(maskValue(mask, value)).toBe(masked);
      expect(maskValue(mask, maskValue(mask, value))).toBe(masked);
    }
  });
});
