import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedMap, MOST_CHANGED_KEYS } from '../../src/changed-map.ts';

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
/** One change: keys taken out, then entries put in. */
const change = fc.record({ gone: fc.array(fc.constantFrom(...KEYS), { maxLength: 4 }), set: fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.integer()), { maxLength: 4 }) });

describe('a changed map', () => {
  it('reads as a copy of the map changed the same way would, change after change', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...KEYS), fc.integer()), fc.array(change, { minLength: 1, maxLength: 8 }), (initial, changes) => {
        const model = new Map(Object.entries(initial));
        let map: ReadonlyMap<string, number> = new Map(model);
        for (const { gone, set } of changes) {
          map = changedMap(map, gone, set);
          for (const key of gone) model.delete(key);
          for (const [key, value] of set) model.set(key, value);
          expect(map.size).toBe(model.size);
          expect(Object.fromEntries(map)).toEqual(Object.fromEntries(model));
          expect(new Set(map.keys())).toEqual(new Set(model.keys()));
          expect([...map.values()].sort()).toEqual([...model.values()].sort());
          for (const key of [...KEYS, 'nothing']) {
            expect(map.get(key)).toBe(model.get(key));
            expect(map.has(key)).toBe(model.has(key));
          }
          const seen: [string, number][] = [];
          map.forEach((value, key) => seen.push([key, value]));
          expect(new Map(seen)).toEqual(model);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the map it was made from as it was', () => {
    const before = new Map([['a', 1], ['b', 2]]);
    const after = changedMap(before, ['a'], [['c', 3]]);
    expect([...before]).toEqual([['a', 1], ['b', 2]]);
    expect([...after]).toEqual([['b', 2], ['c', 3]]);
  });

  it(`reads through the map before it for changes of up to ${MOST_CHANGED_KEYS} keys, and is a copy of its own past that`, () => {
    const before = new Map(Array.from({ length: 10 }, (_, index) => [`k${index}`, index] as const));
    const small = changedMap(before, ['k1'], [['n', 1]]);
    expect(small).not.toBeInstanceOf(Map);
    const large = changedMap(small, [], Array.from({ length: MOST_CHANGED_KEYS }, (_, index) => [`x${index}`, index] as const));
    expect(large).toBeInstanceOf(Map);
    expect(large.size).toBe(10 - 1 + 1 + MOST_CHANGED_KEYS);
    expect(large.get('k1')).toBeUndefined();
    expect(large.get('n')).toBe(1);
  });
});
