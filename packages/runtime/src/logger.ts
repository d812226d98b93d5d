import winston from 'winston';

export type Logger = winston.Logger;

/** Keys whose values never reach a log line (passwords, certificates, secret contents). */
const REDACT = new Set(['users', 'password', 'pass', 'serviceCert', 'cert', 'authorization', 'secret']);

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (REDACT.has(key)) info[key] = '***';
  }
  return info;
});

/** One JSON line per event on stdout; `component` names the app. Tests pass `silent`. */
export function createLogger(component: string, opts: { level?: string; silent?: boolean } = {}): Logger {
  return winston.createLogger({
    level: opts.level ?? 'info',
    silent: opts.silent ?? false,
    defaultMeta: { component },
    format: winston.format.combine(redact(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });
}
