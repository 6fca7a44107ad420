import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDistrict } from '../../src/seed/district.js';
import { buildDemoStreet, distanceMetres, offsetMetres, placeCamera, type DemoScene, type DemoSceneManifest } from '../../src/sim/demoStreet.js';
import { repoRoot } from '../../src/stack/repoPaths.js';

const scene = (foot: { aheadM: number; rightM: number }): DemoScene => ({
  file: 'x.jpg',
  seed: 1,
  role: 'problem',
  kind: 'garbage_pile',
  size: [640, 360],
  camera: { heightM: 5, pitchDeg: 30, yawDeg: 0, horizontalFovDeg: 60, verticalFovDeg: 35 },
  foot,
});

describe('demo street', () => {
  const target = { lat: 31.2268, lon: 121.4621 };

  it('stands a camera facing east back from its target by the foot point: 10 m west, and 2 m north as right is south', () => {
    const pose = placeCamera(scene({ aheadM: 10, rightM: 2 }), target, 90);
    const expected = offsetMetres(target, -10, 2);
    assert.ok(distanceMetres(pose, expected) < 0.01, JSON.stringify(pose));
    assert.equal(pose.headingDeg, 90);
    assert.deepEqual([pose.heightM, pose.pitchDeg, pose.horizontalFovDeg, pose.verticalFovDeg], [5, 30, 60, 35]);
  });

  it('keeps the camera as far from the target as the foot point is from the camera, whatever the heading', () => {
    for (const heading of [0, 45, 135, 250, 359]) {
      const pose = placeCamera(scene({ aheadM: 9, rightM: -3 }), target, heading);
      assert.ok(Math.abs(distanceMetres(pose, target) - Math.hypot(9, 3)) < 0.01);
    }
  });

  it('refuses a clear frame as something to aim at', () => {
    assert.throws(() => placeCamera({ ...scene({ aheadM: 1, rightM: 0 }), foot: undefined, role: 'clear' }, target, 0), /no located object/);
  });

  it('lays the committed scenes out in QH-01: three cameras on one pile, every problem and camera inside the cell, a frame of its own per camera on a problem', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'deploy', 'demo', 'scenes.json'), 'utf8')) as DemoSceneManifest;
    const cell = buildDistrict().cells.find((c) => c.cellId === 'QH-01')!;
    const street = buildDemoStreet(cell, manifest, 'gw-qh-01');
    assert.deepEqual(street.cameras.map((c) => c.id), ['cam-1', 'cam-2', 'cam-5', 'cam-3', 'cam-4']);
    assert.deepEqual(street.problems.find((p) => p.id === 'pile-riverside')!.cameraIds, ['cam-1', 'cam-2', 'cam-5']);
    for (const problem of street.problems) {
      const frames = problem.cameraIds.map((id) => street.cameras.find((c) => c.id === id)!.problemScene.file);
      assert.equal(new Set(frames).size, frames.length, `${problem.id}: ${frames.join(', ')}`);
    }
    const inside = (p: { lat: number; lon: number }) => p.lat > cell.minLat && p.lat < cell.maxLat && p.lon > cell.minLon && p.lon < cell.maxLon;
    for (const point of [...street.problems.map((p) => p.location), ...street.cameras.map((c) => c.pose), ...street.sensors.map((s) => s.location)]) assert.ok(inside(point));
    for (const camera of street.cameras) {
      assert.equal(camera.problemScene.role, 'problem');
      assert.equal(camera.clearScene.role, 'clear');
    }
  });
});
