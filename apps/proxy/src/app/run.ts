import { createLogger, EnvError } from '@flowproxy/runtime';
import { envServices, ignoredEnv, loadProxyConfig, type ProxyConfig } from '../env.js';
import { createProxy, isOperatorError } from './create-proxy.js';

/**
 * `node dist/main.js`: the process around the proxy. Reads the configuration (a bad variable stops
 * start-up with a message naming it), starts the proxy and stops it on SIGTERM/SIGINT.
 */
export async function run(): Promise<void> {
  let cfg: ProxyConfig;
  try {
    cfg = loadProxyConfig();
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    process.stderr.write(
      `${JSON.stringify({ level: 'error', component: 'proxy', code: e.code, message: e.message })}\n`,
    );
    process.exit(1);
  }
  const logger = createLogger('proxy', { level: cfg.logLevel, format: cfg.logFormat });
  const proxy = createProxy(cfg, { envServices: envServices(), ignoredEnv: ignoredEnv(), logger });
  try {
    await proxy.start();
  } catch (e) {
    if (!isOperatorError(e)) throw e;
    logger.error(e.message, { event: 'start.failed', code: e.code });
    process.exit(1);
  }
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { event: 'stop', signal });
    await proxy.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
