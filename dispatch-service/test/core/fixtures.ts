import type { GridCell } from '../../src/core/geo.js';

/** Two neighbouring square cells of about 950 m x 1100 m in Shanghai, and one far away. */
export const square = (minLon: number, minLat: number, size = 0.01) => ({
  type: 'Polygon' as const,
  coordinates: [
    [
      [minLon, minLat],
      [minLon + size, minLat],
      [minLon + size, minLat + size],
      [minLon, minLat + size],
      [minLon, minLat],
    ],
  ],
});
export const cells: GridCell[] = [
  { cellId: 'cell-a', boundary: square(121.47, 31.23), supervisorId: 's-1' },
  { cellId: 'cell-b', boundary: square(121.48, 31.23), supervisorId: 's-1' },
  { cellId: 'cell-far', boundary: square(121.6, 31.4), supervisorId: null },
];
export const alwaysOnDuty = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, startMinute: 0, endMinute: 1440 }));
