import type { ProviderFactory } from '@infermux/core';

/**
 * The adapters this CLI ships with, each loaded on first use (an adapter pulls in its own
 * schemas and wire code; `infermux --help` must not pay for that). Which provider runs a
 * call is decided by configuration through these factories, never by name checks.
 */
const catalog: ReadonlyArray<() => Promise<ProviderFactory>> = [
  () => import('@infermux/hf').then((module) => module.hfProviderFactory),
  () => import('@infermux/evolink').then((module) => module.evolinkProviderFactory),
  () => import('@infermux/openai-compatible').then((module) => module.openaiCompatibleProviderFactory),
  () => import('@infermux/openai-compatible').then((module) => module.openaiProviderFactory),
];

let loaded: Promise<ProviderFactory[]> | undefined;

export function loadProviderFactories(): Promise<ProviderFactory[]> {
  loaded ??= Promise.all(catalog.map((load) => load()));
  return loaded;
}
