import assert from 'node:assert/strict';
import { boundaryProblems, boundingBox, cellContaining, distanceMetres } from '../../src/core/geo.js';
import { cells, square } from './fixtures.js';

describe('geo', () => {
  it('finds the cell that holds a point, and none outside every cell', () => {
    assert.equal(cellContaining({ lat: 31.235, lon: 121.485 }, cells)?.cellId, 'cell-b');
    assert.equal(cellContaining({ lat: 31.0, lon: 121.0 }, cells), undefined);
  });

  it('settles a point on a shared border the same way every time', () => {
    assert.equal(cellContaining({ lat: 31.235, lon: 121.48 }, [...cells].reverse())?.cellId, 'cell-a');
  });

  it('measures metres on the ground and boxes a polygon', () => {
    const metres = distanceMetres({ lat: 31.23, lon: 121.47 }, { lat: 31.24, lon: 121.47 });
    assert.ok(Math.abs(metres - 1112) < 5, `${metres}`);
    assert.deepEqual(boundingBox(square(121.5, 31.25, 0.25)), { minLat: 31.25, minLon: 121.5, maxLat: 31.5, maxLon: 121.75 });
  });
});

describe('boundaryProblems', () => {
  const closed: [number, number][] = [
    [121.46, 31.225],
    [121.464, 31.225],
    [121.464, 31.229],
    [121.46, 31.229],
    [121.46, 31.225],
  ];

  it('accepts closed rings that enclose an area', () => {
    assert.deepEqual(boundaryProblems({ type: 'Polygon', coordinates: [closed] }), []);
    assert.deepEqual(boundaryProblems({ type: 'MultiPolygon', coordinates: [[closed], [closed]] }), []);
  });

  it('names a ring that does not close and one that encloses nothing', () => {
    assert.deepEqual(boundaryProblems({ type: 'Polygon', coordinates: [closed.slice(0, 4)] }), ['ring 0 does not end where it starts']);
    assert.deepEqual(boundaryProblems({ type: 'MultiPolygon', coordinates: [[[[0, 0], [0, 0], [0, 0], [0, 0]]]] }), ['polygon 0 ring 0 encloses no area (fewer than 3 distinct corners)']);
  });
});
