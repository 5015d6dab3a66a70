import { formatModelRef, InfermuxError, parseModelRef } from '@infermux/core';

/** `--model` (with `--revision`) or `--route`: exactly one names what runs. */
export function targetModel(flags: { model?: string; route?: string; revision?: string }): string {
  if (flags.route !== undefined && flags.model !== undefined) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'Give --model or --route, not both (a route already names its models)',
      details: { field: '--route' },
    });
  }
  if (flags.route !== undefined) {
    if (flags.revision)
      throw new InfermuxError({
        code: 'caller_invalid_input',
        message: '--revision applies to --model; a route pins revisions in its targets',
        details: { field: '--revision' },
      });
    return flags.route;
  }
  if (!flags.model)
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: 'Missing --model <org/name> (or --route <name>)',
      details: { field: '--model' },
    });
  return modelWithRevision(flags.model, flags.revision);
}

function modelWithRevision(model: string, revision: string | undefined): string {
  if (!revision) return model;
  const ref = parseModelRef(model);
  if (ref.revision && ref.revision !== revision) {
    throw new InfermuxError({
      code: 'caller_invalid_input',
      message: `--revision ${revision} conflicts with the revision in --model (${ref.revision}); give one`,
      details: { field: '--revision' },
    });
  }
  return formatModelRef({ ...ref, revision });
}

/** A `--route` must name a configured route (otherwise core would read it as a model id). */
export function checkRoute(route: string | undefined, routes: Record<string, unknown> | undefined): void {
  if (route === undefined || (routes && Object.hasOwn(routes, route))) return;
  const known = Object.keys(routes ?? {});
  throw new InfermuxError({
    code: 'gateway_not_found',
    message: `Unknown route "${route}". ${known.length ? `Configured routes: ${known.join(', ')}.` : 'The config has no routes section.'}`,
    details: { field: '--route' },
  });
}
