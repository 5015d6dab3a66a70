import {
  type Client,
  getTask,
  InfermuxError,
  isTaskId,
  type JobStatus,
  parseModelRef,
  type TaskId,
} from '@infermux/core';
import { exitCodes } from '../exit-codes';
import { buildTaskInput, validateTaskInput } from '../input/build-task-input';
import { inferTask } from '../input/infer-task';
import { checkRoute, targetModel } from '../input/target-model';
import { finishJob } from '../jobs/finish-job';
import { followJob } from '../jobs/follow-job';
import { interruptJob } from '../jobs/interrupt-job';
import { formatJobReference, type JobReference } from '../jobs/job-reference';
import { printResult, printWarnings } from '../output/print-result';
import type { CliContext } from '../runtime/cli-context';
import { pollIntervalMs } from '../runtime/poll-interval';
import { unknownTask } from '../runtime/unknown-task';

export interface RunOptions {
  model?: string;
  input?: string[];
  inputJson?: string;
  param?: string[];
  paramsJson?: string;
  provider?: string;
  route?: string;
  revision?: string;
  json?: boolean;
  out?: string;
  stream?: boolean;
  wait?: boolean;
  system?: string;
  pollInterval?: string;
}

/** Splits `[task] [input]`: the task may be left out when the model's metadata names it. */
function splitPositionals(first: string | undefined, second: string | undefined): { task?: string; input?: string } {
  if (first === undefined) return {};
  if (isTaskId(first)) return { task: first, input: second };
  // Two positionals, or one that reads like a misspelt task id: the first was meant as a task.
  if (second !== undefined || unknownTask(first).suggestion !== undefined) throw unknownTask(first).error;
  return { input: first };
}

export async function runCommand(
  context: CliContext,
  first: string | undefined,
  second: string | undefined,
  options: RunOptions,
): Promise<number> {
  const split = splitPositionals(first, second);
  const model = targetModel(options);
  checkRoute(options.route, (await context.loadConfig()).config.routes);
  const client = await context.client();
  if (!split.task && options.route !== undefined) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'Name the task when running through a route: infermux run <task> --route <name>',
      details: { field: 'task' },
    });
  }
  const task: TaskId =
    (split.task as TaskId | undefined) ?? (await inferTask(client, parseModelRef(model), options.provider));
  const definition = getTask(task);
  const built = await buildTaskInput(
    definition,
    {
      positional: split.input,
      inputJson: options.inputJson,
      inputFields: options.input,
      params: options.param,
      paramsJson: options.paramsJson,
      system: options.system,
    },
    { cwd: process.cwd(), stdin: process.stdin },
  );
  validateTaskInput(definition, built);
  const request = { model, input: built.input as never, provider: options.provider };
  const print = { terminal: context.terminal, json: options.json, out: options.out, cwd: process.cwd(), task };

  if (definition.async) return runJob(context, client, task, request, options, print);
  if (definition.streaming && options.stream !== false && !options.json) {
    const stream = client.stream(task, request);
    const stdout = context.terminal.stdout;
    let wroteText = false;
    let lastChar = '\n';
    try {
      for await (const part of stream) {
        if (part.type === 'text-delta' && !part.token?.special && (part.choice ?? 0) === 0) {
          stdout.write(part.text);
          wroteText ||= part.text.length > 0;
          if (part.text.length) lastChar = part.text[part.text.length - 1] as string;
        }
      }
    } finally {
      // End the text line, also when the stream broke, so the error starts on its own line.
      if (wroteText && lastChar !== '\n') stdout.write('\n');
    }
    const result = await stream.result;
    printWarnings(result.warnings, context.terminal);
    return exitCodes.ok;
  }
  const result = await client.run(task, request);
  await printResult(result, print);
  return exitCodes.ok;
}

async function runJob(
  context: CliContext,
  client: Client,
  task: TaskId,
  request: { model: string; input: never; provider?: string },
  options: RunOptions,
  print: Parameters<typeof printResult>[1],
): Promise<number> {
  const submitted = await client.submit(task, request);
  const reference: JobReference = { provider: submitted.provider, task, jobId: submitted.jobId };
  const id = formatJobReference(reference);
  const terminal = context.terminal;
  if (options.wait === false) {
    terminal.stdout.write(`${id}\n`);
    terminal.stderr.write(`Submitted. Follow it with: infermux job wait ${id}\n`);
    return exitCodes.ok;
  }
  terminal.stderr.write(`${terminal.err.dim(`job ${id} submitted`)}\n`);
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  let status: JobStatus;
  try {
    status = await followJob(client, reference, {
      terminal,
      signal: controller.signal,
      intervalMs: pollIntervalMs(options.pollInterval, context.env),
      initial: submitted,
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    return interruptJob(client, reference, { terminal, verbose: context.options.verbose, printId: true });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  await finishJob(status, reference, print);
  return exitCodes.ok;
}
