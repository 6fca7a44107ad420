import { strict as assert } from 'node:assert';
import { createHomographyProjector, groundOffset, projectWithPose, toLocalMetres, type CameraPose } from '../../src/core/geoProjection.js';

const pose: CameraPose = {
  lat: 52.52,
  lon: 13.405,
  headingDeg: 0,
  pitchDeg: 45,
  heightM: 5,
  horizontalFovDeg: 90,
  verticalFovDeg: 90,
  positionAccuracyM: 1,
  maxRangeM: 60,
};
const close = (actual: number, expected: number, tolerance = 1e-6): void =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} is not within ${tolerance} of ${expected}`);

describe('geo projection', () => {
  it('puts the image centre of a camera 5 m up, tilted 45°, 5 m ahead on the ground', () => {
    const [east, north] = groundOffset(pose, [0.5, 0.5]) ?? [NaN, NaN];
    close(east, 0);
    close(north, 5);
  });

  it('turns the ground point with the heading: facing east, the centre lies 5 m east', () => {
    const [east, north] = groundOffset({ ...pose, headingDeg: 90 }, [0.5, 0.5]) ?? [NaN, NaN];
    close(east, 5);
    close(north, 0);
  });

  it('projects the bottom row of a 90° view straight down, and the right edge sideways by the range', () => {
    // y = tan(45°) = 1 → the ray is 45° + 45° = 90° down: under the camera.
    const [east, north] = groundOffset(pose, [0.5, 1]) ?? [NaN, NaN];
    close(east, 0);
    close(north, 0);
    // x = 1 at the centre row: t = 5 / sin45, right = t · 1 = 7.071 m, ahead = t · cos45 = 5 m.
    const [eastEdge, northEdge] = groundOffset(pose, [1, 0.5]) ?? [NaN, NaN];
    close(eastEdge, 5 / Math.sin(Math.PI / 4));
    close(northEdge, 5);
  });

  it('falls back to the camera position above the horizon, with the range as accuracy', () => {
    assert.equal(groundOffset(pose, [0.5, 0]), undefined);
    assert.deepEqual(projectWithPose(pose, [0.5, 0]), { lat: pose.lat, lon: pose.lon, accuracyM: 60 });
  });

  it('places a projected point in degrees and grows the accuracy with distance', () => {
    const near = projectWithPose(pose, [0.5, 0.9]);
    const far = projectWithPose(pose, [0.5, 0.3]);
    const [, north] = toLocalMetres(pose, near);
    close(north, groundOffset(pose, [0.5, 0.9])?.[1] ?? NaN, 1e-3);
    assert.ok(far.accuracyM > near.accuracyM, `${far.accuracyM} should exceed ${near.accuracyM}`);
    assert.ok(near.accuracyM >= pose.positionAccuracyM);
  });

  it('maps image points through a four-point homography onto a 10 m square', () => {
    const origin = { lat: 52.52, lon: 13.405 };
    const metres = 10 / 6_371_008.8 / (Math.PI / 180);
    const projector = createHomographyProjector({
      accuracyM: 0.5,
      points: [
        { image: [0, 0], ...origin },
        { image: [1, 0], lat: origin.lat, lon: origin.lon + metres / Math.cos((origin.lat * Math.PI) / 180) },
        { image: [1, 1], lat: origin.lat - metres, lon: origin.lon + metres / Math.cos((origin.lat * Math.PI) / 180) },
        { image: [0, 1], lat: origin.lat - metres, lon: origin.lon },
      ],
    });
    const centre = projector.project([0.5, 0.5]);
    assert.ok(centre);
    const [east, north] = toLocalMetres(origin, centre);
    close(east, 5, 1e-6);
    close(north, -5, 1e-6);
    // One percent of the image is 0.1 m on this square.
    close(centre.accuracyM, 0.6, 1e-6);
  });

  it('maps a perspective trapezoid: a far edge narrower than the near one, horizon inside the image', () => {
    const origin = { lat: 0, lon: 0 };
    const deg = (m: number) => m / 6_371_008.8 / (Math.PI / 180);
    // Image trapezoid (a road seen in perspective) onto a 4 m × 20 m rectangle.
    const projector = createHomographyProjector({
      accuracyM: 0,
      points: [
        { image: [0.3, 0.6], lat: deg(20), lon: 0 },
        { image: [0.7, 0.6], lat: deg(20), lon: deg(4) },
        { image: [1, 1], lat: 0, lon: deg(4) },
        { image: [0, 1], ...origin },
      ],
    });
    const point = projector.project([0.5, 1]);
    assert.ok(point);
    const [east, north] = toLocalMetres(origin, point);
    close(east, 2, 1e-6);
    close(north, 0, 1e-6);
  });
});
