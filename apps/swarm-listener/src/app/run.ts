import { createLogger, EnvError } from '@flowproxy/runtime';
import { loadListenerConfig, type ListenerConfig } from '../env.js';
import { deferredModules, memoryFlags } from '../memory.js';
import { createListener } from './create-listener.js';

/**
 * `node dist/main.js`: the process around the listener. Reads the configuration (a bad variable
 * stops start-up with exit code 2 and a message naming it), starts the listener and stops it on
 * SIGTERM/SIGINT.
 */
export async function run(): Promise<void> {
  let cfg: ListenerConfig;
  try {
    cfg = loadListenerConfig();
  } catch (e) {
    if (!(e instanceof EnvError)) throw e;
    createLogger('swarm-listener').error(e.message, { code: e.code, problems: e.problems });
    process.exit(2);
  }
  const log = createLogger('swarm-listener', { level: cfg.logLevel, format: cfg.logFormat });
  const listener = createListener(cfg, {
    logger: log,
    startInfo: { memory: { v8Flags: memoryFlags, deferredModules } },
  });
  await listener.start();
  const shutdown = (signal: string): void => {
    log.info('stopping', { signal });
    void listener.stop();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
