import { baseEnvShape, parseEnv, z, type BaseEnv } from '@membership/config';

const shape = {
  ...baseEnvShape,
  PORT: z.coerce.number().int().min(0).default(4103),
  HOST: z.string().default('127.0.0.1'),
};

export type PointsEnv = BaseEnv & { PORT: number; HOST: string };

/** Points' environment, parsed once. */
export const loadPointsEnv = (source?: Record<string, string | undefined>) => parseEnv(shape, source) as PointsEnv;
