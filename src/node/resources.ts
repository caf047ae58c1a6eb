/**
 * What this process may use of the machine: the cores it may keep busy and the memory it may
 * hold. They size the indexing processes of a first start, the processes of a static export and
 * the stat threads of a restart.
 *
 * Node 20 reads neither limit of a container in full. `os.availableParallelism()` counts the
 * cores the process may be scheduled on, but its libuv (1.46) does not read the CPU quota (libuv
 * reads it from 1.49, in Node 22 and later): in a Kubernetes pod limited to one CPU on a 16-core
 * node it says 16, and an export would start eight processes, each holding the catalog, to share
 * one core's worth of time. `process.constrainedMemory()` reads the memory limit of the process's
 * own cgroup only, not of those above it (a systemd slice's `MemoryMax=`). Both limits are read
 * here through `/proc/self/cgroup`, the tightest of the process's cgroup and those above it, as
 * libuv 1.49 and Rust's `available_parallelism` read the quota.
 *
 * @example
 * usableCores(); // => 2 on this machine; 1 in a container run with --cpus=1.5 on a larger one
 * taskProcesses(150e6); // => 2 here; 2 in a pod with a 512 MiB memory limit on a 16-core node, not 8
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** Reads a file of the cgroup file system; `undefined` when there is none. */
export type ReadCgroupFile = (path: string) => string | undefined;

const readIfThere: ReadCgroupFile = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** A folder of a cgroup and each folder above it, up to the hierarchy's root (a parent's limit binds its children too). */
function foldersUp(root: string, path: string): string[] {
  const parts = path.split('/').filter((part) => part !== '');
  return parts.map((_, depth) => `${root}/${parts.slice(0, parts.length - depth).join('/')}`).concat(root);
}

/** How one limit is kept: cgroup v2's file, and cgroup v1's controller and file (each read to a number, `undefined` for none). */
interface CgroupLimit {
  readonly v2: (folder: string, read: ReadCgroupFile) => number | undefined;
  readonly v1Controller: string;
  readonly v1: (folder: string, read: ReadCgroupFile) => number | undefined;
}

/**
 * The tightest value of a limit over this process's cgroup and those above it, found through
 * `/proc/self/cgroup`: v2 at `/sys/fs/cgroup` (or `/sys/fs/cgroup/unified` where v1 and v2 are
 * mounted side by side), v1 under its controller's folder. `undefined` when no cgroup sets it,
 * or there is no cgroup file to read (not Linux).
 */
function tightest(limit: CgroupLimit, read: ReadCgroupFile): number | undefined {
  const values: number[] = [];
  const add = (value: number | undefined) => void (value !== undefined && values.push(value));
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line) ?? [];
    if (controllers === undefined || path === undefined) continue;
    if (controllers === '') {
      for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) for (const folder of foldersUp(root, path)) add(limit.v2(folder, read));
    } else if (controllers.split(',').includes(limit.v1Controller)) {
      for (const folder of foldersUp(`/sys/fs/cgroup/${controllers}`, path)) add(limit.v1(folder, read));
    }
  }
  return values.length > 0 ? Math.min(...values) : undefined;
}

/** Cores a quota over a period allows, rounded down, at least 1; `undefined` for none (`max`, -1) or what cannot be read. */
function quotaCores(quota: string | undefined, period: string | undefined): number | undefined {
  const [over, per] = [Number(quota), Number(period ?? 100_000)];
  return over > 0 && per > 0 ? Math.max(1, Math.floor(over / per)) : undefined;
}

const CPU_QUOTA: CgroupLimit = {
  v2: (folder, read) => {
    const [quota, period] = read(`${folder}/cpu.max`)?.trim().split(/\s+/) ?? [];
    return quotaCores(quota, period);
  },
  v1Controller: 'cpu',
  v1: (folder, read) => quotaCores(read(`${folder}/cpu.cfs_quota_us`), read(`${folder}/cpu.cfs_period_us`)),
};

/** cgroup v1 writes "no limit" as the largest page-aligned 63-bit number (9223372036854771712). */
const NO_V1_LIMIT = 2 ** 62;

/** Bytes a memory limit's file says, `undefined` for none (`max`, v1's huge number) or what cannot be read. */
function limitBytes(text: string | undefined, none: number): number | undefined {
  const bytes = Number(text?.trim());
  return text !== undefined && Number.isFinite(bytes) && bytes > 0 && bytes < none ? bytes : undefined;
}

const MEMORY_LIMIT: CgroupLimit = {
  v2: (folder, read) => limitBytes(read(`${folder}/memory.max`), Number.POSITIVE_INFINITY),
  v1Controller: 'memory',
  v1: (folder, read) => limitBytes(read(`${folder}/memory.limit_in_bytes`), NO_V1_LIMIT),
};

/**
 * The cores the CPU quota of this process's cgroup allows: v2's `cpu.max`, v1's
 * `cpu.cfs_quota_us` over `cpu.cfs_period_us`, rounded down, at least 1; the tightest of its
 * cgroup and those above it, so that a systemd service's `CPUQuota=` counts as a container's
 * `--cpus` does. `undefined` when there is no quota.
 */
export function cgroupCores(read: ReadCgroupFile = readIfThere): number | undefined {
  return tightest(CPU_QUOTA, read);
}

/**
 * The bytes the memory limit of this process's cgroup allows: v2's `memory.max`, v1's
 * `memory.limit_in_bytes`; the tightest of its cgroup and those above it (a container's
 * `--memory`, a Kubernetes memory limit, a systemd unit's or slice's `MemoryMax=`). `undefined`
 * when there is no limit.
 */
export function cgroupMemory(read: ReadCgroupFile = readIfThere): number | undefined {
  return tightest(MEMORY_LIMIT, read);
}

let usable: { cores: number; memory: number } | undefined;

/** What this process may use (read once): the cores it may be scheduled on and the machine's memory, each capped by its cgroup's limit. */
function usableResources(): { cores: number; memory: number } {
  usable ??= {
    cores: Math.min(availableParallelism(), cgroupCores() ?? Number.POSITIVE_INFINITY),
    memory: Math.min(totalmem(), cgroupMemory() ?? Number.POSITIVE_INFINITY),
  };
  return usable;
}

/** The cores this process may keep busy: its available parallelism, capped by the cgroup's CPU quota. */
export function usableCores(): number {
  return usableResources().cores;
}

/** The bytes of memory this process and the ones it starts may hold between them: the machine's, capped by the cgroup's limit. */
export function usableMemory(): number {
  return usableResources().memory;
}

/** Most processes a task shares its work among (a first start's indexing, an export's pages). */
const MOST_PROCESSES = 8;

/**
 * The part of {@link usableMemory} a task's processes may take between them; the rest is the
 * server's own (its catalog and caches: about 140 MB of its own memory at 100,000 articles while
 * the processes index) and the page cache's.
 */
const TASK_MEMORY_SHARE = 0.6;

/**
 * The processes a task may share its work among: one per core this process may keep busy, at
 * most {@link MOST_PROCESSES}, and no more than fit at `bytesEach` a process in their share of
 * the usable memory (not counted when `bytesEach` is 0). 0 when not one fits: the task is then
 * better done in this process.
 */
export function taskProcesses(bytesEach = 0, resources: { cores: number; memory: number } = usableResources()): number {
  const fitting = Math.floor((resources.memory * TASK_MEMORY_SHARE) / bytesEach);
  return Math.max(0, Math.min(resources.cores, MOST_PROCESSES, fitting));
}
