/** Environment settings shared by the worker and Slack processes (documented in the README and docs/slack.md). */
import { EXAMPLE_COUNCIL } from '../lint/load.js';
import type { Severity } from '../lint/types.js';
import { DEFAULT_QUEUE_PREFIX, DEFAULT_REDIS_URL } from './redis.js';

export interface RedisSettings {
  url: string;
  /** BullMQ prefix; Probity's own keys live under `${prefix}:`. */
  prefix: string;
  keyPrefix: string;
}

export function redisSettings(env: NodeJS.ProcessEnv): RedisSettings {
  const prefix = env.PROBITY_REDIS_PREFIX?.trim() || DEFAULT_QUEUE_PREFIX;
  if (prefix.includes(':')) throw new Error('PROBITY_REDIS_PREFIX must not contain ":"');
  return { url: env.REDIS_URL?.trim() || DEFAULT_REDIS_URL, prefix, keyPrefix: `${prefix}:` };
}

/** PROBITY_COUNCIL, as for the API and the CLI. */
export function councilFile(env: NodeJS.ProcessEnv): string {
  return env.PROBITY_COUNCIL?.trim() || EXAMPLE_COUNCIL;
}

export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} must be set`);
  return value;
}

export function severitySetting(env: NodeJS.ProcessEnv, name: string, fallback: Severity): Severity {
  const value = env[name]?.trim().toLowerCase() || fallback;
  if (value !== 'error' && value !== 'warning' && value !== 'info') throw new Error(`${name} must be error, warning or info`);
  return value;
}

export function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive whole number`);
  return n;
}

export function logLevel(env: NodeJS.ProcessEnv): 'debug' | 'info' | 'warn' | 'error' {
  const value = env.LOG_LEVEL?.trim().toLowerCase();
  return value === 'debug' || value === 'warn' || value === 'error' ? value : 'info';
}
