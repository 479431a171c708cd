// Changesets' release plan, read before anything is published: a package whose major version
// goes up although no changeset asks for it has been pushed there by a dependency (changesets
// bumps a dependent's major when a peer dependency leaves the peer range), which is a mistake in a
// range, not a release anyone decided.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `changeset status --output` of the repository at `root`, written to `file` and read back. */
export function readReleasePlan(root, file) {
  const cli = join(root, 'node_modules', '@changesets', 'cli', 'bin.js');
  const result = spawnSync(process.execPath, [cli, 'status', `--output=${file}`], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`changeset status failed: ${`${result.stdout}${result.stderr}`.trim().slice(-2000)}`);
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** "name old -> new" of each major release in `plan` that no changeset lists as major. */
export function impliedMajorReleases(plan) {
  const asked = (name) =>
    plan.changesets.some((changeset) =>
      changeset.releases.some((r) => r.name === name && r.type === 'major'),
    );
  return plan.releases
    .filter(({ name, type }) => type === 'major' && !asked(name))
    .map(({ name, oldVersion, newVersion }) => `${name} ${oldVersion} -> ${newVersion}`);
}
