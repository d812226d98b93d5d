import winston from 'winston';
import { currentRequestId } from './context.js';
import type { EnvVar } from './env.js';

export type Logger = winston.Logger;

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Keys whose values never reach a log line (passwords, certificates, secret contents). */
const REDACT = new Set(['users', 'password', 'pass', 'serviceCert', 'cert', 'authorization', 'secret']);

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (REDACT.has(key)) info[key] = '***';
  }
  return info;
});

/** Names the notification being handled on every line written on its behalf (see context.ts). */
const requestId = winston.format((info) => {
  if (info.requestId === undefined) {
    const id = currentRequestId();
    if (id !== undefined) info.requestId = id;
  }
  return info;
});

const FIXED = new Set(['level', 'message', 'timestamp', 'component']);

/** `2026-12-01T10:00:00.000Z INFO  proxy    reconfigure serviceName=web outcome=applied`. */
const pretty = winston.format.printf((info) => {
  const rest = Object.entries(info)
    .filter(([k]) => !FIXED.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' && !/[\s"=]/.test(v) ? v : JSON.stringify(v)}`);
  const head = `${String(info.timestamp)} ${info.level.toUpperCase().padEnd(5)} ${String(info.component).padEnd(14)} ${String(info.message)}`;
  return rest.length > 0 ? `${head} ${rest.join(' ')}` : head;
});

export interface LoggerOptions {
  readonly level?: string;
  readonly format?: LogFormat;
  readonly silent?: boolean;
  /** Where the lines go (stdout by default; tests pass a stream to read them). */
  readonly stream?: NodeJS.WritableStream;
}

/**
 * One JSON line per event on stdout (or a readable line with `format: 'pretty'`); `component`
 * names the app and `requestId` the notification being handled. Tests pass `silent`.
 */
export function createLogger(component: string, opts: LoggerOptions = {}): Logger {
  return winston.createLogger({
    level: opts.level ?? 'info',
    silent: opts.silent ?? false,
    defaultMeta: { component },
    format: winston.format.combine(
      redact(),
      requestId(),
      winston.format.timestamp(),
      opts.format === 'pretty' ? pretty : winston.format.json(),
    ),
    transports: [
      opts.stream ? new winston.transports.Stream({ stream: opts.stream }) : new winston.transports.Console(),
    ],
  });
}

/** LOG_FORMAT, the same entry in both apps' env tables. */
export const LOG_FORMAT_VAR: EnvVar<LogFormat> = {
  name: 'LOG_FORMAT',
  parse: (raw) => {
    const t = raw.trim();
    if (!(LOG_FORMATS as readonly string[]).includes(t))
      throw new Error(`must be one of: ${LOG_FORMATS.join(', ')}`);
    return t as LogFormat;
  },
  default: 'json',
  doc: 'Log lines as JSON (one object per line, for log shippers) or `pretty` (one readable line per event); every line about a notification carries its `requestId`',
};
