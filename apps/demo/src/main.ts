import { createServer } from 'node:http';
import { loadDemoEnv } from './env.js';
import { createDemoHandler } from './handler.js';

const env = loadDemoEnv();
const server = createServer(createDemoHandler(env.servedBy));
// Keep-alive longer than HAProxy's idle timeouts so the proxy, not the backend, closes idle connections.
server.keepAliveTimeout = 65_000;
server.listen(env.port, () => {
  console.log(
    JSON.stringify({ level: 'info', msg: 'demo listening', port: env.port, servedBy: env.servedBy }),
  );
});

const stop = (signal: string): void => {
  console.log(JSON.stringify({ level: 'info', msg: 'demo stopping', signal }));
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
