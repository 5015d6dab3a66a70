export interface MicroBatcherOptions<Input, Output> {
  /** How long the first request of a batch waits for company. */
  windowMs: number;
  /** A batch is sent at once when it reaches this size. */
  maxBatchSize: number;
  /** Runs one batch; returns one result or Error per input, in order. */
  run(key: string, inputs: Input[]): Promise<Array<Output | Error>>;
}

interface Pending<Input, Output> {
  input: Input;
  resolve(value: Output): void;
  reject(error: unknown): void;
}

/**
 * Coalesces concurrent single requests with the same key (task + model) arriving within a small
 * window into one batch call, then hands each caller its own result or error.
 */
export class MicroBatcher<Input, Output> {
  readonly #queues = new Map<string, { items: Array<Pending<Input, Output>>; timer: ReturnType<typeof setTimeout> }>();

  constructor(private readonly options: MicroBatcherOptions<Input, Output>) {}

  submit(key: string, input: Input): Promise<Output> {
    return new Promise<Output>((resolve, reject) => {
      let queue = this.#queues.get(key);
      if (!queue) {
        queue = { items: [], timer: setTimeout(() => this.#flush(key), this.options.windowMs) };
        this.#queues.set(key, queue);
      }
      queue.items.push({ input, resolve, reject });
      if (queue.items.length >= this.options.maxBatchSize) this.#flush(key);
    });
  }

  #flush(key: string): void {
    const queue = this.#queues.get(key);
    if (!queue) return;
    this.#queues.delete(key);
    clearTimeout(queue.timer);
    const { items } = queue;
    this.options
      .run(
        key,
        items.map((item) => item.input),
      )
      .then(
        (results) => {
          items.forEach((item, index) => {
            const result = results[index];
            if (result instanceof Error) item.reject(result);
            else if (result === undefined)
              item.reject(new Error(`micro-batch returned ${results.length} results for ${items.length} inputs`));
            else item.resolve(result);
          });
        },
        (error: unknown) => {
          for (const item of items) item.reject(error);
        },
      );
  }
}
