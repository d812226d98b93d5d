export * from './eventually.js';
export * from './ports.js';
export * from './procs.js';
export * from './haproxy.js';
export * from './docker.js';
export * from './dns.js';
export * from './proxy.js';
export * from './cluster.js';
