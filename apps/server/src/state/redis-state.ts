import { randomUUID } from 'node:crypto';
import { registerSecret } from '@infermux/core';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import {
  bucketConsumeScript,
  bucketRefundScript,
  bucketReserveScript,
  cacheSetScript,
  reserveScript,
  settleScript,
  usedScript,
} from './redis-scripts';
import { StateAvailability, type StateAvailabilityMetrics } from './state-availability';

type Reply = Promise<unknown>;

/** The scripts of `redis-scripts.ts` as ioredis methods; the first argument is the number of keys. */
export interface ScriptCommands {
  imxReserve(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxSettle(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxUsed(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxBucketReserve(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxBucketConsume(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxBucketRefund(numberOfKeys: number, ...keysAndArgs: Array<string | number>): Reply;
  imxCacheSet(numberOfKeys: number, ...keysAndArgs: Array<string | number | Buffer>): Reply;
}

export type StateRedis = Redis & ScriptCommands;

/** Answers within this or counts as unavailable: a request must not hang on a stalled Redis. */
const COMMAND_TIMEOUT_MS = 1_000;

/**
 * The gateway's connections to Redis: one for commands, one subscribed to the channels (pub/sub needs its own).
 * Commands fail at once while disconnected (no offline queue: a request must not wait for a reconnect) and the
 * connection retries in the background; `availability` tracks both.
 */
export class RedisState {
  readonly commands: StateRedis;
  readonly subscriber: Redis;
  readonly availability: StateAvailability;
  /** Tells this process's own messages apart on a channel every replica shares. */
  readonly origin = randomUUID();
  readonly #listeners = new Map<string, Array<(message: string) => void>>();
  /** Set by `close()`: the connection closing then is no outage. */
  #closing = false;

  constructor(
    url: string,
    readonly prefix: string,
    logger: Logger,
    private readonly metrics: StateAvailabilityMetrics,
  ) {
    const parsed = new URL(url);
    registerSecret(parsed.password ? decodeURIComponent(parsed.password) : undefined);
    // Logged as host and port only: the URL may carry a password.
    this.availability = new StateAvailability(logger, metrics, parsed.host);
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      lazyConnect: true,
      retryStrategy: (attempt: number) => Math.min(50 * attempt, 1_000),
    };
    this.commands = new Redis(url, options) as StateRedis;
    this.subscriber = new Redis(url, { ...options, enableOfflineQueue: true, commandTimeout: undefined });
    const scripts = {
      imxReserve: reserveScript,
      imxSettle: settleScript,
      imxUsed: usedScript,
      imxBucketReserve: bucketReserveScript,
      imxBucketConsume: bucketConsumeScript,
      imxBucketRefund: bucketRefundScript,
      imxCacheSet: cacheSetScript,
    } satisfies Record<keyof ScriptCommands, string>;
    for (const [name, lua] of Object.entries(scripts)) this.commands.defineCommand(name, { lua });
    // ioredis logs connection errors itself unless someone listens; the availability tracker reports them once.
    this.commands.on('error', (error) => this.availability.failed(error));
    this.subscriber.on('error', (error) => this.availability.failed(error));
    this.commands.on('close', () => {
      if (!this.#closing) this.availability.failed(new Error('connection to Redis closed'));
    });
    this.commands.on('ready', () => this.availability.succeeded());
    this.subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.#listeners.get(channel) ?? []) listener(message);
    });
  }

  /** Connects both; a Redis down at start is not fatal (the outage policy applies until it answers). */
  async connect(): Promise<void> {
    await Promise.all(
      [this.commands, this.subscriber].map((connection) =>
        connection.connect().catch((error: unknown) => this.availability.failed(error)),
      ),
    );
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }

  /** Hears every message on `channel` (subscribed again by ioredis after a reconnect). */
  async listen(channel: string, listener: (message: string) => void): Promise<void> {
    const listeners = this.#listeners.get(channel);
    if (listeners) {
      listeners.push(listener);
      return;
    }
    this.#listeners.set(channel, [listener]);
    await this.subscriber.subscribe(channel).catch((error: unknown) => this.availability.failed(error));
  }

  /** Runs a command: success marks Redis available, a failure unavailable (and is rethrown). */
  async run<T>(command: (redis: StateRedis) => Promise<T>): Promise<T> {
    this.metrics.stateRoundTrip();
    try {
      const result = await command(this.commands);
      this.availability.succeeded();
      return result;
    } catch (error) {
      // Redis answered with an error (a script's own failure): reachable, so no outage.
      if ((error as Error).name !== 'ReplyError') this.availability.failed(error);
      throw error;
    }
  }

  close(): void {
    this.#closing = true;
    this.commands.disconnect();
    this.subscriber.disconnect();
  }
}
