import type { ValidationRule } from 'graphql';

/**
 * Reports each distinct validation message once. A document that repeats one mistake
 * (an unknown directive on every field) would otherwise get one error per copy: an
 * answer that grows with the attacker's document, and copies that use up the
 * `maxErrors` budget before anything else is found. The first occurrence keeps its
 * location, which is enough to fix every copy.
 *
 * graphql-js gives every rule of one validation the same context, and rules report
 * through `context.reportError`, so the rule wraps that one method of this one context.
 */
export const oneErrorPerMessage: ValidationRule = (context) => {
  const seen = new Set<string>();
  const report = context.reportError.bind(context);
  context.reportError = (error) => {
    if (seen.has(error.message)) return;
    seen.add(error.message);
    report(error);
  };
  return {};
};
