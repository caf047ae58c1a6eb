/**
 * What a process may use of the machine: Node 20's `os.availableParallelism()` does not read a
 * container's CPU quota, and its `process.constrainedMemory()` reads the memory limit of the
 * process's own cgroup only, so both are read here, found through /proc/self/cgroup.
 */
import { availableParallelism, totalmem } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cgroupCores, cgroupMemory, taskProcesses, usableCores, usableMemory, type ReadCgroupFile } from '../../src/node/resources.ts';

const files =
  (contents: Record<string, string>): ReadCgroupFile =>
  (path) =>
    contents[path];

/** A process in a pure cgroup v2 hierarchy, at `path`. */
const v2 = (path: string, more: Record<string, string>) => files({ '/proc/self/cgroup': `0::${path}\n`, ...more });

describe("the cores a cgroup's CPU quota allows", () => {
  it("reads cgroup v2's cpu.max in a container (its own cgroup at the root): the quota over the period, rounded down, at least 1", () => {
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/cpu.max': '200000 100000\n' }))).toBe(2);
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/cpu.max': '150000 100000\n' }))).toBe(1);
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/cpu.max': '25000 100000\n' }))).toBe(1);
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBeUndefined();
  });

  it("reads a systemd service's own cgroup, and the tightest quota of those above it", () => {
    const service = '/system.slice/wirefeed.service';
    expect(cgroupCores(v2(service, { '/sys/fs/cgroup/system.slice/wirefeed.service/cpu.max': '300000 100000\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' }))).toBe(3);
    expect(cgroupCores(v2(service, { '/sys/fs/cgroup/system.slice/wirefeed.service/cpu.max': 'max 100000\n', '/sys/fs/cgroup/system.slice/cpu.max': '100000 100000\n' }))).toBe(1);
  });

  it('reads cgroup v1 where the cpu controller is mounted there (alone, or with cpuacct); -1 is no quota', () => {
    const v1 = (controllers: string, path: string, more: Record<string, string>) => files({ '/proc/self/cgroup': `4:memory:/\n2:${controllers}:${path}\n0::/\n`, ...more });
    expect(cgroupCores(v1('cpu', '/wf', { '/sys/fs/cgroup/cpu/wf/cpu.cfs_quota_us': '300000\n', '/sys/fs/cgroup/cpu/wf/cpu.cfs_period_us': '100000\n' }))).toBe(3);
    expect(cgroupCores(v1('cpu,cpuacct', '/', { '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '50000\n', '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n' }))).toBe(1);
    expect(cgroupCores(v1('cpu', '/', { '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n', '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n' }))).toBeUndefined();
  });

  it('finds no quota where there is no cgroup to read (not Linux), or its files cannot be understood', () => {
    expect(cgroupCores(files({}))).toBeUndefined();
    expect(cgroupCores(v2('/', {}))).toBeUndefined();
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/cpu.max': 'garbled' }))).toBeUndefined();
  });

  it('never says more than the cores the process may be scheduled on, nor less than one', () => {
    expect(usableCores()).toBeGreaterThanOrEqual(1);
    expect(usableCores()).toBeLessThanOrEqual(availableParallelism());
  });
});

const MiB = 1024 * 1024;

describe("the memory a cgroup's limit allows", () => {
  it("reads cgroup v2's memory.max, the tightest of the process's cgroup and those above it; max is no limit", () => {
    expect(cgroupMemory(v2('/', { '/sys/fs/cgroup/memory.max': `${512 * MiB}\n` }))).toBe(512 * MiB);
    expect(cgroupMemory(v2('/', { '/sys/fs/cgroup/memory.max': 'max\n' }))).toBeUndefined();
    const service = '/system.slice/wirefeed.service';
    // A systemd slice's MemoryMax= binds the services in it, though their own files say max.
    expect(cgroupMemory(v2(service, { '/sys/fs/cgroup/system.slice/wirefeed.service/memory.max': 'max\n', '/sys/fs/cgroup/system.slice/memory.max': `${MiB * 1024}\n` }))).toBe(1024 * MiB);
    expect(cgroupMemory(v2(service, { '/sys/fs/cgroup/system.slice/wirefeed.service/memory.max': `${300 * MiB}\n`, '/sys/fs/cgroup/system.slice/memory.max': `${MiB * 1024}\n` }))).toBe(300 * MiB);
  });

  it("reads cgroup v1's memory.limit_in_bytes, whose largest page-aligned number is no limit", () => {
    const v1 = (path: string, more: Record<string, string>) => files({ '/proc/self/cgroup': `4:memory:${path}\n1:cpu:/\n0::/\n`, ...more });
    expect(cgroupMemory(v1('/wf', { '/sys/fs/cgroup/memory/wf/memory.limit_in_bytes': `${400 * MiB}\n`, '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBe(400 * MiB);
    // Node 20's process.constrainedMemory() reads only the process's own folder, and misses this one.
    expect(cgroupMemory(v1('/wf/child', { '/sys/fs/cgroup/memory/wf/child/memory.limit_in_bytes': '9223372036854771712\n', '/sys/fs/cgroup/memory/wf/memory.limit_in_bytes': `${400 * MiB}\n` }))).toBe(400 * MiB);
    expect(cgroupMemory(v1('/', { '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n' }))).toBeUndefined();
  });

  it('finds no limit where there is no cgroup to read, or its files cannot be understood; a CPU quota is not a memory limit', () => {
    expect(cgroupMemory(files({}))).toBeUndefined();
    expect(cgroupMemory(v2('/', { '/sys/fs/cgroup/memory.max': 'garbled' }))).toBeUndefined();
    expect(cgroupMemory(v2('/', { '/sys/fs/cgroup/memory.max': '0\n' }))).toBeUndefined();
    expect(cgroupMemory(v2('/', { '/sys/fs/cgroup/cpu.max': '100000 100000\n' }))).toBeUndefined();
    expect(cgroupCores(v2('/', { '/sys/fs/cgroup/memory.max': `${512 * MiB}\n` }))).toBeUndefined();
  });

  it("never says more than the machine's memory", () => {
    expect(usableMemory()).toBeGreaterThan(0);
    expect(usableMemory()).toBeLessThanOrEqual(totalmem());
  });
});

describe('the processes a task shares its work among', () => {
  const GiB = 1024 * MiB;
  const each = 150e6;

  it('is one per core, at most 8, where memory is plentiful', () => {
    expect(taskProcesses(each, { cores: 2, memory: 24 * GiB })).toBe(2);
    expect(taskProcesses(each, { cores: 16, memory: 64 * GiB })).toBe(8);
  });

  it('is as many as fit in 60% of the memory where that is fewer: a pod with no CPU limit on a 16-core node, but a memory limit', () => {
    expect(taskProcesses(each, { cores: 16, memory: 2 * GiB })).toBe(8);
    expect(taskProcesses(each, { cores: 16, memory: 1 * GiB })).toBe(4);
    expect(taskProcesses(each, { cores: 16, memory: 512 * MiB })).toBe(2);
    expect(taskProcesses(each, { cores: 16, memory: 256 * MiB })).toBe(1);
  });

  it('is 0 where not one fits, for the caller to decide', () => {
    expect(taskProcesses(each, { cores: 16, memory: 128 * MiB })).toBe(0);
  });

  it('counts only the cores when a process is said to take no memory', () => {
    expect(taskProcesses(0, { cores: 16, memory: 256 * MiB })).toBe(8);
    expect(taskProcesses(undefined, { cores: 3, memory: 256 * MiB })).toBe(3);
  });
});
