import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSortedMap, placeIn } from '../../src/sorted-map.ts';

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const entriesOf = (keys: readonly string[]) => [...new Set(keys)].sort(byCodeUnit).map((key, index) => ({ key, index }));

describe('a map over values in key order', () => {
  it('answers every lookup as a Map of the same entries does, in the same order', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 60 }), fc.array(fc.string({ unit: 'binary' }), { maxLength: 20 }), (keys, others) => {
        const values = entriesOf(keys);
        const sorted = createSortedMap(values, (value) => value.key);
        const map = new Map(values.map((value) => [value.key, value]));
        for (const key of [...keys, ...others]) {
          expect(sorted.get(key)).toBe(map.get(key));
          expect(sorted.has(key)).toBe(map.has(key));
        }
        expect(sorted.size).toBe(map.size);
        expect([...sorted]).toEqual([...map]);
        expect([...sorted.keys()]).toEqual([...map.keys()]);
        expect([...sorted.values()]).toEqual([...map.values()]);
        const seen: string[] = [];
        sorted.forEach((value, key, self) => {
          expect(self).toBe(sorted);
          expect(value.key).toBe(key);
          seen.push(key);
        });
        expect(seen).toEqual([...map.keys()]);
      }),
    );
  });

  it('orders keys by code unit, as paths are listed (an emoji sorts before a CJK character that is above it in code points)', () => {
    const values = entriesOf(['😀.md', '\uff21.md', 'a.md']);
    expect(values.map(({ key }) => key)).toEqual(['a.md', '😀.md', '\uff21.md']);
    const sorted = createSortedMap(values, (value) => value.key);
    expect(sorted.get('\uff21.md')?.index).toBe(2);
    expect(sorted.get('😀.md')?.index).toBe(1);
  });

  it('is refused unless its keys are strictly ascending (so also when one repeats)', () => {
    expect(() => createSortedMap([{ key: 'b' }, { key: 'a' }], (value) => value.key)).toThrow('its keys are not in order at "a"');
    expect(() => createSortedMap([{ key: 'a' }, { key: 'a' }], (value) => value.key)).toThrow('its keys are not in order at "a"');
    expect(createSortedMap([], (value: { key: string }) => value.key).get('a')).toBeUndefined();
  });
});

describe('the place of a value in a list kept in order', () => {
  it('is the first place whose value does not come before it, as a walk from the start finds', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 40 }), fc.integer({ min: -25, max: 25 }), (numbers, sought) => {
        const sorted = [...numbers].sort((a, b) => a - b);
        const walked = sorted.findIndex((value) => !(value < sought));
        expect(placeIn(sorted, (value) => value < sought)).toBe(walked === -1 ? sorted.length : walked);
      }),
    );
  });
});
