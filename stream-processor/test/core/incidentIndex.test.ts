import assert from 'node:assert/strict';
import { decide } from '../../src/core/dedupe.js';
import { distanceM } from '../../src/core/geo.js';
import { createIncidentIndex } from '../../src/core/incidentIndex.js';
import type { IncidentState } from '../../src/core/incidentState.js';
import { anomalyEvent, offset } from '../support/events.js';

const opened = (lat: number, lon: number, kind: 'garbage_pile' | 'manhole_open' = 'garbage_pile'): IncidentState =>
  decide({ event: anomalyEvent({ lat, lon, kind }) }, [], { mergeRadiusM: 15, accuracyCapM: 10 }).change!.incident;

describe('incident index', () => {
  it('finds every incident of the kind within the radius, across cell borders and at high latitudes', () => {
    for (const origin of [{ lat: 52.5201782226562, lon: 13.4033203125 }, { lat: 78.2, lon: 15.6 }, { lat: -33.9, lon: 151.2 }]) {
      const incidents: IncidentState[] = [];
      for (let north = -60; north <= 60; north += 6) for (let east = -60; east <= 60; east += 6) incidents.push(opened(offset(origin, north, east).lat, offset(origin, north, east).lon));
      const index = createIncidentIndex(incidents);
      for (let north = -30; north <= 30; north += 5) {
        for (let east = -30; east <= 30; east += 5) {
          const point = offset(origin, north, east);
          const found = new Set(index.near(point, 25, 'garbage_pile').map((i) => i.incidentId));
          for (const incident of incidents) if (distanceM(point, incident.location) <= 25) assert.ok(found.has(incident.incidentId), `${incident.incidentId} near ${JSON.stringify(point)}`);
        }
      }
    }
  });

  it('keeps kinds apart and replaces an incident by its id', () => {
    const pile = opened(52.52, 13.405);
    const manhole = opened(52.52, 13.405, 'manhole_open');
    const index = createIncidentIndex([pile, manhole]);
    assert.deepEqual(index.near(pile.location, 10, 'garbage_pile'), [pile]);
    const seenAgain = { ...pile, sightings: 2, version: 2 };
    index.put(seenAgain);
    assert.deepEqual(index.near(pile.location, 10, 'garbage_pile'), [seenAgain]);
    assert.deepEqual(index.near(pile.location, 10, 'manhole_open'), [manhole]);
  });
});
