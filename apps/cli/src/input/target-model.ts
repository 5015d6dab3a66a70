import { formatModelRef, InfermuxError, parseModelRef } from '@infermux/core';

/** `--model` (with `--revision`) or `--route`: exactly one names what runs. */
export function targetModel(flags: { model?: string; route?: string; revision?: string }): string {
  if (flags.route !== undefined && flags.model !== undefined) {
    throw new InfermuxError({ code: 'caller_invalid_input', message: 'Give --model or --route, not both (a route already names its models)', details: { field: '--route' } });
  }
  if (flags.route !== undefined) {
    if (flags.revision) throw new InfermuxError({ code: 'caller_invalid_input', message: '--revision applies to --model; a route pins revisions in its targets', details: { field: '--revision' } });
    return flags.route;
  }
  if (!flags.model) throw new InfermuxError({ code: 'caller_invalid_input', message: "Missing --model <org/name> (or --route <name>)", details: { field: '--model' } });
  return modelWithRevision(flags.model, flags.revision);
}

function modelWithRevision(model: string, revision: string | undefined): string {
  if (!revision) return model;
  const ref = parseModelRef(model);
  if (ref.revision && ref.revision !== revision) {
    throw new InfermuxError({ code: 'caller_invalid_input', message: `--revision ${revision} conflicts with the revision in --model (${ref.revision}); give one`, details: { field: '--revision' } });
  }
  return formatModelRef({ ...ref, revision });
}
