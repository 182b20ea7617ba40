/**
 * @file Tests of the cache-size detection: sysfs size strings, and the cache directories of a few
 * real layouts given as fixed file contents.
 */

import { describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_SIZES, cacheSizesFromSysfs, detectCacheSizes, parseCacheSize } from './features.js';

/** A reader over fixed sysfs files: index<i> → [level, type, size]. */
function sysfs(indices: readonly (readonly [string, string, string])[]): (path: string) => string | undefined {
  const files = new Map<string, string>();
  indices.forEach(([level, type, size], index) => {
    const directory = `/sys/devices/system/cpu/cpu0/cache/index${index}`;
    files.set(`${directory}/level`, `${level}\n`);
    files.set(`${directory}/type`, `${type}\n`);
    files.set(`${directory}/size`, `${size}\n`);
  });
  return (path) => files.get(path);
}

describe('cache sizes', () => {
  it('parses sysfs sizes', () => {
    expect(parseCacheSize('48K\n')).toBe(48 * 1024);
    expect(parseCacheSize('2048K')).toBe(2 * 1024 * 1024);
    expect(parseCacheSize('1M')).toBe(1024 * 1024);
    expect(parseCacheSize('512')).toBe(512);
    expect(parseCacheSize('')).toBeUndefined();
    expect(parseCacheSize('0K')).toBeUndefined();
    expect(parseCacheSize('lots')).toBeUndefined();
  });

  it('reads L1d and L2 from cpu0, skipping the instruction cache and L3', () => {
    const sapphireRapids = sysfs([
      ['1', 'Data', '48K'],
      ['1', 'Instruction', '32K'],
      ['2', 'Unified', '2048K'],
      ['3', 'Unified', '307200K'],
    ]);
    expect(cacheSizesFromSysfs(sapphireRapids)).toEqual({ l1Data: 48 * 1024, l2: 2048 * 1024 });
    const instructionFirst = sysfs([
      ['1', 'Instruction', '64K'],
      ['1', 'Data', '32K'],
      ['2', 'Unified', '512K'],
    ]);
    expect(cacheSizesFromSysfs(instructionFirst)).toEqual({ l1Data: 32 * 1024, l2: 512 * 1024 });
  });

  it('keeps the default of any size the files do not give', () => {
    expect(cacheSizesFromSysfs(() => undefined)).toEqual(DEFAULT_CACHE_SIZES);
    expect(cacheSizesFromSysfs(sysfs([['1', 'Data', '64K']]))).toEqual({ l1Data: 65536, l2: DEFAULT_CACHE_SIZES.l2 });
    expect(cacheSizesFromSysfs(sysfs([['2', 'Unified', 'garbage']]))).toEqual(DEFAULT_CACHE_SIZES);
  });

  it('detects positive sizes on this machine', () => {
    const { l1Data, l2 } = detectCacheSizes();
    expect(l1Data).toBeGreaterThan(0);
    expect(l2).toBeGreaterThan(0);
  });
});
