/**
 * The small key-value store sign-in needs: sessions, sign-ins in progress and revoked token ids, each with an
 * expiry. Redis in the API (`RedisKv`, under `<prefix>:auth:`), memory in unit tests and a development API
 * without Redis (`MemoryKv`). Keys are ids or hashes of them, never a bearer secret itself.
 */
import type { Redis } from 'ioredis';

export interface Kv {
  get(key: string): Promise<string | undefined>;
  /** Set with an expiry in whole seconds from now (at least 1). */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Delete and return the value: for one-time values (a sign-in's state), so two callbacks cannot both use it. */
  take(key: string): Promise<string | undefined>;
  del(key: string): Promise<void>;
}

export class RedisKv implements Kv {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'probity:auth',
  ) {}

  private k(key: string): string {
    return `${this.prefix}:${key}`;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.redis.get(this.k(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(this.k(key), value, 'EX', Math.max(1, Math.ceil(ttlSeconds)));
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.redis.getdel(this.k(key))) ?? undefined;
  }

  async del(key: string): Promise<void> {
    await this.redis.del(this.k(key));
  }
}

export class MemoryKv implements Kv {
  private readonly entries = new Map<string, { value: string; until: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {}

  async get(key: string): Promise<string | undefined> {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, until: this.now() + Math.max(1, Math.ceil(ttlSeconds)) * 1000 });
  }

  async take(key: string): Promise<string | undefined> {
    const value = await this.get(key);
    this.entries.delete(key);
    return value;
  }

  async del(key: string): Promise<void> {
    this.entries.delete(key);
  }
}

/** Revoked token ids, each kept until the token would have expired anyway. */
export class RevocationList {
  constructor(private readonly kv: Kv) {}

  async revoke(jti: string, expSeconds: number, nowSeconds: number): Promise<void> {
    await this.kv.set(`revoked:${jti}`, String(expSeconds), Math.max(1, expSeconds - nowSeconds));
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.kv.get(`revoked:${jti}`)) !== undefined;
  }
}
