import { Command, Option } from 'commander';
import { version } from '../package.json';
import type { CliContext, GlobalOptions } from './runtime/cli-context';

/** Runs a command module's handler; set by `main`, which owns the context and the exit code. */
export type Dispatch = (command: Command, handler: (context: CliContext) => Promise<number>) => Promise<void>;

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * The command tree. Handlers are imported when their command runs, so `infermux --help`
 * loads commander and nothing else.
 */
export function createProgram(dispatch: Dispatch): Command {
  const program = new Command('infermux')
    .description('Run any Hugging Face model task across providers: one typed CLI for run, stream, jobs and batches.')
    .option(
      '-c, --config <path>',
      'config file (default: infermux.config.yaml|yml|json found upward from the current directory)',
    )
    // The version is inlined at build time from this package's manifest.
    .version(version, '-V, --version', 'print the infermux version')
    .option('-v, --verbose', 'show error codes, request ids and the cause chain')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .showSuggestionAfterError(true)
    // Throw instead of exiting, so `main` maps parse errors to exit code 2 (set before subcommands: they inherit it).
    .exitOverride()
    .configureHelp({ sortSubcommands: false });

  program
    .command('run')
    .description('run a task on a model; the task may be left out when the model metadata names it')
    .argument('[task]', 'task id (see `infermux tasks`)')
    .argument('[input]', 'the input: text, - for stdin, @path for a file, or an http(s) URL')
    .option('-m, --model <ref>', 'model: [provider:]org/name[@revision][:variant], or a route alias from the config')
    .option('-i, --input <key=value>', 'set an input field (repeatable), e.g. --input question="Why?"', collect)
    .option('--input-json <json>', 'the whole input as JSON')
    .option('-p, --param <key=value>', 'set a task parameter, typed by the task schema (repeatable)', collect)
    .option('--params-json <json>', 'task parameters as a JSON object')
    .option('--provider <name>', 'provider to run on (overrides the model prefix and defaults.provider)')
    .option('--route <name>', 'run through a configured route (failover, load balancing) instead of --model')
    .option('--revision <rev>', 'pin the model revision (branch, tag or commit sha)')
    .option('--system <text>', 'system prompt (chat tasks)')
    .option('--json', 'print the whole result envelope as JSON (binary data as base64, or file paths with --out)')
    .option('-o, --out <path>', 'where to save images/audio/video (a file, or a directory ending in /)')
    .option('--no-stream', 'wait for the whole text instead of streaming tokens')
    .option('--no-wait', 'async tasks: submit, print the job id and exit')
    .option('--poll-interval <ms>', 'async tasks: first wait between status polls')
    .action((task: string | undefined, input: string | undefined, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/run-command')).runCommand(context, task, input, command.opts()),
      ),
    );

  const job = program.command('job').description('follow, wait for or cancel an async job (video/image generation)');
  const jobOptions = (command: Command) =>
    command
      .argument(
        '<id>',
        'job id as printed by infermux (<provider>:<task>:<id>), or a bare id with --provider and --task',
      )
      .option('--provider <name>', 'provider of a bare job id')
      .option('--task <task>', 'task of a bare job id');
  jobOptions(job.command('status').description('print the job state once'))
    .option('--json', 'print the status as JSON')
    .action((id: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/job-command')).jobStatusCommand(context, id, command.opts()),
      ),
    );
  jobOptions(job.command('wait').description('wait for the job, then print or save its result'))
    .option('--json', 'print the result as JSON')
    .option('-o, --out <path>', 'save the result (files or downloaded result URLs) here')
    .option('--poll-interval <ms>', 'first wait between status polls')
    .action((id: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/job-command')).jobWaitCommand(context, id, command.opts()),
      ),
    );
  jobOptions(job.command('cancel').description('ask the provider to cancel the job')).action(
    (id: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/job-command')).jobCancelCommand(context, id, command.opts()),
      ),
  );

  program
    .command('batch')
    .description('run a task over a JSONL file: bounded concurrency, resumable, failures to a separate file')
    .argument('<task>', 'task id')
    .argument('<input>', 'JSONL file: one input per line, with an optional "id"')
    .option('-m, --model <ref>', 'model: [provider:]org/name[@revision], or a route alias from the config')
    .option('--route <name>', 'run through a configured route instead of --model')
    .requiredOption('-o, --output <path>', 'results JSONL (appended; rerun the same command to resume)')
    .option('--errors <path>', 'failed lines with their error (default: <output>.errors.jsonl)')
    .option('-j, --concurrency <n>', 'requests in flight', '16')
    .option(
      '--retries <n>',
      "retries per line for retryable errors (429, 5xx, network); default: the config's retry policy",
    )
    .option('-p, --param <key=value>', 'a task parameter applied to every line (repeatable)', collect)
    .option('--provider <name>', 'provider to run on')
    .option('--revision <rev>', 'pin the model revision')
    .option('--no-progress', 'no progress bar even on a TTY')
    .option('--poll-interval <ms>', 'async tasks: first wait between job status polls')
    .option('--resubmit-unknown', 'async tasks: submit again the jobs an interrupted run may or may not have started')
    .option('--queue <redis-url>', 'distribute the lines on a BullMQ queue for `infermux worker` processes')
    .option('--queue-prefix <prefix>', 'Redis key prefix of the queue and batch state', 'infermux')
    .option('--no-wait', 'with --queue: enqueue and exit (rerun the same command to follow and collect)')
    .action((task: string, input: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/batch-command')).batchCommand(context, task, input, command.opts()),
      ),
    );

  program
    .command('prices')
    .description('show where each price comes from (config, live catalogues, shipped tables); refreshes the catalogues')
    .argument('[models...]', 'model references to price (provider:org/name[:variant])')
    .option('--offline', 'do not refresh the providers’ catalogues')
    .option('--json', 'print as JSON')
    .action((models: string[], _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/prices-command')).pricesCommand(context, models, command.opts()),
      ),
    );

  program
    .command('worker')
    .description('run the lines of distributed batches (`infermux batch --queue`) until stopped')
    .option('--queue <redis-url>', 'the Redis that holds the queue (default: REDIS_URL)')
    .option('--queue-prefix <prefix>', 'Redis key prefix of the queue and batch state', 'infermux')
    .option('-j, --concurrency <n>', 'lines in flight', '16')
    .option('--stalled-ms <ms>', "how soon a dead worker's lines run elsewhere", '30000')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/worker-command')).workerCommand(context, command.opts()),
      ),
    );

  program
    .command('tasks')
    .description('list tasks, or show one task’s input/output schema and an example')
    .argument('[task]', 'task id')
    .option('--json', 'print as JSON')
    .action((task: string | undefined, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/tasks-command')).tasksCommand(context, task, command.opts()),
      ),
    );

  program
    .command('init')
    .description('write a commented example config (infermux.config.yaml) and its JSON Schema')
    .argument('[dir]', 'where to write them (default: the current directory)')
    .option('--force', 'overwrite existing files')
    .action((dir: string | undefined, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/init-command')).initCommand(context, dir, command.opts()),
      ),
    );

  const config = program
    .command('config')
    .description('show the resolved configuration (file + env + defaults), secrets masked')
    .option('--json', 'print as JSON')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/config-command')).configCommand(context, command.opts()),
      ),
    );
  config
    .command('schema')
    .description('print the config file’s JSON Schema (editor completion and checks)')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/config-schema-command')).configSchemaCommand(context),
      ),
    );

  program
    .command('doctor')
    .description('check the config, tokens and endpoints, with advice')
    .option('--offline', 'skip the network checks')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/doctor-command')).doctorCommand(context, command.opts()),
      ),
    );

  program
    .command('serve')
    .description('start the gateway (Hugging Face and OpenAI wire formats) with this configuration')
    .option('--port <port>', 'port to listen on')
    .option('--host <host>', 'address to bind')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/gateway-commands')).serveCommand(context, command.opts()),
      ),
    );

  const keys = program.command('keys').description('manage the gateway’s API keys');
  keys
    .command('create')
    .description('create a key (shown once)')
    .argument('<name>', 'a name for the key')
    .option('--rpm <n>', 'requests per minute')
    .option('--tpm <n>', 'tokens (input + output) per minute')
    .option('--budget <usd>', 'spending limit in USD')
    .addOption(new Option('--budget-period <period>', 'budget window').choices(['day', 'month', 'total']))
    .option('--models <list>', 'models or routes the key may call (comma-separated; default all)')
    .option('--routes <list>', 'gateway endpoints the key may call, e.g. /v1/chat/completions (comma-separated)')
    .option('--json', 'print as JSON')
    .option('--database-url <url>', 'the PostgreSQL ledger of a replicated gateway (default: DATABASE_URL)')
    .action((name: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/gateway-commands')).keysCreateCommand(context, name, command.opts()),
      ),
    );
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print as JSON')
    .option('--database-url <url>', 'the PostgreSQL ledger of a replicated gateway (default: DATABASE_URL)')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/gateway-commands')).keysListCommand(context, command.opts()),
      ),
    );
  keys
    .command('revoke')
    .description('revoke a key')
    .argument('<id>', 'key id')
    .option('--database-url <url>', 'the PostgreSQL ledger of a replicated gateway (default: DATABASE_URL)')
    .action((id: string, _options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/gateway-commands')).keysRevokeCommand(context, id, command.opts()),
      ),
    );

  program
    .command('usage')
    .description('usage recorded by the gateway, summed by key, model or day')
    .addOption(new Option('--by <dimension>', 'group by').choices(['key', 'model', 'day']).default('model'))
    .option('--since <date>', 'only usage since this date (ISO 8601)')
    .option('--json', 'print as JSON')
    .option('--database-url <url>', 'the PostgreSQL ledger of a replicated gateway (default: DATABASE_URL)')
    .action((_options, command: Command) =>
      dispatch(command, async (context) =>
        (await import('./commands/gateway-commands')).usageCommand(context, command.opts()),
      ),
    );

  return program;
}

export type { GlobalOptions };
