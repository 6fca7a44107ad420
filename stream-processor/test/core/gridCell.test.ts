import assert from 'node:assert/strict';
import { gridCellOf, type GridCell } from '../../src/core/gridCell.js';

function square(cellId: string, minLat: number, minLon: number, size: number, hole?: [number, number, number]): GridCell {
  const ring = (lat: number, lon: number, s: number): Array<[number, number]> => [[lon, lat], [lon + s, lat], [lon + s, lat + s], [lon, lat + s], [lon, lat]];
  return {
    cellId,
    boundary: { type: 'Polygon', coordinates: hole ? [ring(minLat, minLon, size), ring(...hole)] : [ring(minLat, minLon, size)] },
    minLat,
    minLon,
    maxLat: minLat + size,
    maxLon: minLon + size,
  };
}

describe('gridCellOf', () => {
  const cells = [square('north', 52.51, 13.4, 0.01), square('south', 52.5, 13.4, 0.01, [52.502, 13.402, 0.002])];

  it('finds the cell whose polygon holds the point', () => {
    assert.equal(gridCellOf({ lat: 52.515, lon: 13.405 }, cells), 'north');
    assert.equal(gridCellOf({ lat: 52.505, lon: 13.408 }, cells), 'south');
  });

  it('finds none outside every cell, or inside a hole', () => {
    assert.equal(gridCellOf({ lat: 52.6, lon: 13.405 }, cells), undefined);
    assert.equal(gridCellOf({ lat: 52.503, lon: 13.403 }, cells), undefined);
  });

  it('reads MultiPolygons', () => {
    const multi: GridCell = { ...square('multi', 52.0, 13.0, 0.01), boundary: { type: 'MultiPolygon', coordinates: [square('a', 52.0, 13.0, 0.004).boundary.coordinates as Array<Array<[number, number]>>, square('b', 52.006, 13.006, 0.004).boundary.coordinates as Array<Array<[number, number]>>] } };
    assert.equal(gridCellOf({ lat: 52.008, lon: 13.008 }, [multi]), 'multi');
    assert.equal(gridCellOf({ lat: 52.005, lon: 13.005 }, [multi]), undefined);
  });
});
