export * from './logger.js';
export * from './env.js';
export * from './context.js';
export * from './api-auth.js';
export * from './errors.js';
