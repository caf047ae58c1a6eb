/**
 * How many cores this process may keep busy: what sizes the indexing processes of a first
 * start, the processes of a static export and the stat threads of a restart.
 *
 * `os.availableParallelism()` counts the cores the process may be scheduled on, but Node 20's
 * libuv (1.46) does not read a container's CPU quota (libuv reads it from 1.49, in Node 22 and
 * later): in a Kubernetes pod limited to one CPU on a 16-core node it says 16, and an export
 * would start eight processes, each holding the catalog, to share one core's worth of time.
 * The quota is read here as libuv 1.49 and Rust's `available_parallelism` read it: the
 * cgroup's CPU quota over its period, rounded down, at least 1.
 *
 * @example
 * usableCores(); // => 2 on this machine; 1 in a container run with --cpus=1.5 on a larger one
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a file of the cgroup file system; `undefined` when there is none. */
export type ReadCgroupFile = (path: string) => string | undefined;

const readIfThere: ReadCgroupFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** A folder of a cgroup and each folder above it, up to the hierarchy's root (a parent's quota limits its children too). */
function foldersUp(root: string, path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.map((_, depth) => `${root}/${parts.slice(0, parts.length - depth).join('/')}`).concat(root);
}

/** Cores a quota over a period allows, rounded down, at least 1; `undefined` for none (`max`, -1) or what cannot be read. */
function quotaCores(quota: string | undefined, period: string | undefined): number | undefined {
  const [over, per] = [Number(quota), Number(period ?? 100_000)];
  return over > 0 && per > 0 ? Math.max(1, Math.floor(over / per)) : undefined;
}

/**
 * The cores the CPU quota of this process's cgroup allows, the tightest of its folder and those
 * above it: cgroup v2's `cpu.max` (at `/sys/fs/cgroup`, or `/sys/fs/cgroup/unified` where v1
 * and v2 are mounted side by side), v1's `cpu.cfs_quota_us` over `cpu.cfs_period_us`; found
 * through `/proc/self/cgroup`, so that a systemd service's `CPUQuota=` counts as a container's
 * `--cpus` does. `undefined` when there is no quota, or no cgroup file to read (not Linux).
 */
export function cgroupCores(read: ReadCgroupFile = readIfThere): number | undefined {
  const quotas: number[] = [];
  const add = (cores: number | undefined) => void (cores !== undefined && quotas.push(cores));
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers === undefined || path === undefined) continue;
    if (controllers === '') {
      for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
        for (const folder of foldersUp(root, path)) {
          const [quota, period] = read(`${folder}/cpu.max`)?.trim().split(/\s+/) ?? [];
          add(quotaCores(quota, period));
        }
      }
    } else if (controllers.split(',').includes('cpu')) {
      for (const folder of foldersUp(`/sys/fs/cgroup/${controllers}`, path)) add(quotaCores(read(`${folder}/cpu.cfs_quota_us`), read(`${folder}/cpu.cfs_period_us`)));
    }
  }
  return quotas.length > 0 ? Math.min(...quotas) : undefined;
}

let usable: number | undefined;

/** The cores this process may keep busy: its available parallelism, capped by the cgroup's CPU quota (read once). */
export function usableCores(): number {
  usable ??= Math.min(availableParallelism(), cgroupCores() ?? Number.POSITIVE_INFINITY);
  return usable;
}

/** Most processes a task shares its work among (a first start's indexing, an export's pages). */
const MOST_PROCESSES = 8;

/** The processes a task shares its work among: one per core this process may keep busy, at most {@link MOST_PROCESSES}. */
export function taskProcesses(): number {
  return Math.min(usableCores(), MOST_PROCESSES);
}
