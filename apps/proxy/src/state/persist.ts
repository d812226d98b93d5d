import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceSpec } from '@flowproxy/protocol';
import { sortedServices, type Services } from './routing-state.js';

const FORMAT = 1;

export const stateFile = (configDir: string): string => join(configDir, 'state.json');

/** Writes the accepted services atomically (temp file + rename): a crash leaves the old or the new file. */
export function saveState(file: string, services: Services): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ format: FORMAT, services: sortedServices(services) }, null, 1));
  renameSync(tmp, file);
}

/** The services saved by a previous run; an absent file is an empty state, a corrupt one an error. */
export function loadState(file: string): ServiceSpec[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const data = JSON.parse(text) as { format?: number; services?: ServiceSpec[] };
  if (data.format !== FORMAT || !Array.isArray(data.services))
    throw new Error(`${file}: unknown state format`);
  return data.services;
}
