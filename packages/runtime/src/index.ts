export * from './logger.js';
export * from './env.js';
