import { getTask, type TaskDefinition, taskIds, taskRegistry } from '@infermux/core';
import { z } from 'zod';
import { exitCodes } from '../exit-codes';
import { toJsonSafe } from '../output/binary-fields';
import type { CliContext } from '../runtime/cli-context';
import { unknownTask } from '../runtime/unknown-task';

function flagsOf(task: TaskDefinition): string[] {
  return [
    task.streaming && 'streaming',
    task.async && 'async job',
    task.batchable && 'batchable',
    task.binaryInputs?.length && 'file input',
  ].filter((flag): flag is string => typeof flag === 'string');
}

/** JSON Schema of a task's input or output; bytes (which JSON Schema cannot say) are described in words. */
function jsonSchema(
  schema: z.ZodType,
  io: 'input' | 'output',
  binaryFields: readonly string[] = [],
): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  for (const field of binaryFields) {
    let holder = json;
    const path = field.split('.');
    for (const key of path.slice(0, -1))
      holder = ((holder.properties as Record<string, Record<string, unknown>> | undefined)?.[key] ?? {}) as Record<
        string,
        unknown
      >;
    const properties = holder.properties as Record<string, unknown> | undefined;
    if (properties)
      properties[path[path.length - 1] as string] = {
        type: 'string',
        description: 'binary input: @path, an http(s) or data: URL, or - for stdin (bytes in the library)',
      };
  }
  return json;
}

export async function tasksCommand(
  context: CliContext,
  name: string | undefined,
  flags: { json?: boolean },
): Promise<number> {
  const { stdout, out: colors } = { stdout: context.terminal.stdout, out: context.terminal.out };
  if (!name) {
    const tasks = taskIds.map((id) => taskRegistry[id] as TaskDefinition);
    if (flags.json) {
      stdout.write(
        `${JSON.stringify(
          tasks.map((task) => ({
            id: task.id,
            summary: task.summary,
            streaming: !!task.streaming,
            async: !!task.async,
            batchable: !!task.batchable,
            binaryInputs: task.binaryInputs ?? [],
          })),
          null,
          2,
        )}\n`,
      );
      return exitCodes.ok;
    }
    const width = Math.max(...tasks.map((task) => task.id.length));
    for (const task of tasks) {
      const flagText = flagsOf(task);
      stdout.write(
        `${colors.bold(task.id.padEnd(width))}  ${task.summary}${flagText.length ? colors.dim(` [${flagText.join(', ')}]`) : ''}\n`,
      );
    }
    return exitCodes.ok;
  }
  let task: TaskDefinition;
  try {
    task = getTask(name);
  } catch {
    throw unknownTask(name).error;
  }
  const description = {
    id: task.id,
    summary: task.summary,
    flags: flagsOf(task),
    hfSpec: task.hfSpec,
    input: jsonSchema(task.input, 'input', task.binaryInputs),
    output: jsonSchema(task.output, 'output'),
    example: toJsonSafe(task.example) as { input: unknown; output: unknown },
  };
  if (flags.json) {
    stdout.write(`${JSON.stringify(description, null, 2)}\n`);
    return exitCodes.ok;
  }
  const { stringify } = await import('yaml');
  stdout.write(
    `${colors.bold(task.id)} — ${task.summary}${description.flags.length ? colors.dim(` [${description.flags.join(', ')}]`) : ''}\n\n`,
  );
  stdout.write(
    `${colors.bold('Example')}\n  infermux run ${task.id} --model <org/name> --input-json '${JSON.stringify(description.example.input)}'\n\n`,
  );
  stdout.write(`${colors.bold('Input schema')}\n${indent(stringify(description.input))}\n`);
  stdout.write(`${colors.bold('Output schema')}\n${indent(stringify(description.output))}\n`);
  stdout.write(`${colors.bold('Example output')}\n${indent(stringify(description.example.output))}`);
  return exitCodes.ok;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
}
