/**
 * The process environment the stack hands to every server's own `env.ts` parser when
 * its caller gives none (`npm start`, `npm run seed`). Each server parses and checks
 * its own settings from it; this file only says where they come from.
 */
export const processEnvironment = (): Record<string, string | undefined> => process.env;
