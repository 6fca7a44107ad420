import assert from 'node:assert/strict';
import { geoCellKey } from '@gridsight/contracts';
import { cellsWithin, distanceM } from '../../src/core/geo.js';
import { offset } from '../support/events.js';

describe('geo', () => {
  it('measures metres between close points', () => {
    const a = { lat: 52.52, lon: 13.405 };
    assert.ok(Math.abs(distanceM(a, offset(a, 10)) - 10) < 0.05);
    assert.ok(Math.abs(distanceM(a, offset(a, 0, 10)) - 10) < 0.05);
    assert.equal(distanceM(a, a), 0);
  });

  it('returns only the own cell for a small circle well inside a cell', () => {
    const centre = { lat: 52.52, lon: 13.405 };
    const cells = cellsWithin(centre, 1);
    assert.deepEqual(cells, [geoCellKey(centre)]);
  });

  it('covers every cell that a point within the radius falls in, across borders', () => {
    // Points on a grid around a cell corner: each neighbour within the radius must be in a covered cell.
    const corner = { lat: 52.5201782226562, lon: 13.4033203125 };
    for (let north = -30; north <= 30; north += 2) {
      for (let east = -30; east <= 30; east += 2) {
        const point = offset(corner, north, east);
        const cells = cellsWithin(point, 25);
        for (let n = -25; n <= 25; n += 5) {
          for (let e = -25; e <= 25; e += 5) {
            const neighbour = offset(point, n, e);
            if (distanceM(point, neighbour) <= 25) assert.ok(cells.includes(geoCellKey(neighbour)), `${JSON.stringify(neighbour)} is covered`);
          }
        }
      }
    }
    assert.ok(cellsWithin(corner, 25).length >= 3, 'a circle on a corner touches several cells');
  });

  it('sorts the cells so locks are always taken in one order', () => {
    const cells = cellsWithin({ lat: 52.5201782226562, lon: 13.4033203125 }, 25);
    assert.deepEqual(cells, [...cells].sort());
  });
});
