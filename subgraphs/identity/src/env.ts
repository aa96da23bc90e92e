import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4101),
  HOST: z.string().default('127.0.0.1'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).default(900),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).default(15),
};

export type IdentityEnv = BaseEnv & {
  PORT: number;
  HOST: string;
  ACCESS_TOKEN_TTL_SECONDS: number;
  LOGIN_MAX_FAILURES: number;
  LOGIN_LOCK_MINUTES: number;
};

/** Identity's environment, parsed once. */
export const loadIdentityEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as IdentityEnv;
