export { baseEnvShape, ConfigError, developmentSecretsIn, parseEnv, secretEnv, type BaseEnv } from './env.js';
export { z } from 'zod';
export { createLogger, type Logger, type LogLevel } from './logger.js';
