/**
 * The cores a process may keep busy: Node 20's `os.availableParallelism()` does not read a
 * container's CPU quota, so the cgroup's is read here, found through /proc/self/cgroup.
 */
import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cgroupCores, usableCores, type ReadCgroupFile } from '../../src/node/cores.ts';

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
