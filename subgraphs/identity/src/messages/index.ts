import { en } from './en.js';
import { zhCN } from './zh-CN.js';

/**
 * The languages the platform speaks to members in, as stored (BCP 47 tags). Simplified
 * Chinese is the default: for a member who never chose, and for a person who is not a
 * member yet and did not say.
 */
export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';

/** Each language's catalogue: message id → text with `{param}` / `{param|list}` placeholders. */
export const CATALOGUES: Record<Language, Record<string, string>> = { 'zh-CN': zhCN, en };

/** Values a message is filled with. */
export type MessageParams = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** A message id no catalogue has, or a placeholder its params do not fill. */
export class MessageError extends Error {
  override readonly name = 'MessageError';
}

const PLACEHOLDER = /\{([a-zA-Z][a-zA-Z0-9_]*)(?:\|([a-zA-Z][a-zA-Z0-9_]*))?\}/g;

/** The placeholders of a text, by param name (what completeness of a catalogue compares). */
export function placeholders(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!).sort();
}

/** Whether a message id exists (in the default catalogue; the others have the same ids). */
export function hasMessage(id: string): boolean {
  return Object.hasOwn(CATALOGUES[DEFAULT_LANGUAGE], id);
}

/** A stored language tag as a Language; anything else reads as the default. */
export function asLanguage(value: string | null | undefined): Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : DEFAULT_LANGUAGE;
}

/**
 * The text of message `id` in `language`, its placeholders filled. `{to|tier}` shows the
 * param through the `tier.<value>` message when there is one (a code the catalogue names),
 * else the value itself. A missing id or param throws: no member reads a text with a hole.
 */
export function translate(language: Language, id: string, params: MessageParams = {}): string {
  const catalogue = CATALOGUES[language];
  if (!Object.hasOwn(catalogue, id)) throw new MessageError(`no message ${id} in ${language}`);
  return catalogue[id]!.replace(PLACEHOLDER, (_, name: string, list?: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new MessageError(`${id} needs the parameter ${name}`);
    const named = list ? `${list}.${String(value)}` : undefined;
    return named && Object.hasOwn(catalogue, named) ? catalogue[named]! : String(value);
  });
}

/** The API's names of the languages (enum Language). */
const API_NAMES: Record<Language, 'ZH_CN' | 'EN'> = { 'zh-CN': 'ZH_CN', en: 'EN' };

/** A Language as the API names it: zh-CN → ZH_CN. */
export function apiLanguage(language: string): 'ZH_CN' | 'EN' {
  return API_NAMES[asLanguage(language)];
}

/** The API's Language as stored: ZH_CN → zh-CN. */
export function fromApiLanguage(name: 'ZH_CN' | 'EN'): Language {
  return LANGUAGES.find((l) => API_NAMES[l] === name) ?? DEFAULT_LANGUAGE;
}
