export * from './eventually.js';
export * from './ports.js';
export * from './procs.js';
export * from './haproxy.js';
export * from './docker.js';
