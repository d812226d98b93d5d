import { hostname } from 'node:os';

export interface DemoEnv {
  readonly port: number;
  /** Names the task in every response; Swarm sets the container hostname to the task's container id. */
  readonly servedBy: string;
}

export function loadDemoEnv(env: NodeJS.ProcessEnv = process.env): DemoEnv {
  const raw = env.PORT ?? '8080';
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`PORT must be an integer between 1 and 65535, got '${raw}'`);
  }
  return { port, servedBy: env.SERVED_BY ?? hostname() };
}
