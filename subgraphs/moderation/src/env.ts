import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4105),
  HOST: z.string().default('127.0.0.1'),
};

export type ModerationEnv = BaseEnv & { PORT: number; HOST: string };

/** The moderation subgraph's environment, parsed once. */
export const loadModerationEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as ModerationEnv;
