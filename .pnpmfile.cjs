// In the repository every package exports its sources under the `@infermux/source` condition
// (tsconfig `customConditions` and vitest resolve it, so nothing needs a rebuild to be seen).
// The tarball has no src/: drop that condition from the published manifest, so an exports map
// on npm only points at shipped files. pnpm runs this for `pnpm pack` and `pnpm publish`.
const sourceCondition = '@infermux/source';

function withoutSourceCondition(target) {
  if (target === null || typeof target !== 'object' || Array.isArray(target)) return target;
  const kept = {};
  for (const [key, value] of Object.entries(target)) {
    if (key !== sourceCondition) kept[key] = withoutSourceCondition(value);
  }
  return kept;
}

module.exports = {
  hooks: {
    beforePacking(manifest) {
      if (manifest.exports !== undefined) manifest.exports = withoutSourceCondition(manifest.exports);
      return manifest;
    },
  },
};
