/**
 * The fictional district the demo and the dashboards show: two subdistricts of a riverside town,
 * each a 3 x 2 grid of street cells, with a day and an evening worker per cell, a night on-call
 * worker and a supervisor per subdistrict, one ops account, and camera/sensor gateways along the
 * streets. Shifts are in the district's local time, UTC+8.
 */
export const SHIFT_MINUTES = { day: [7 * 60, 15 * 60], evening: [15 * 60, 23 * 60], night: [23 * 60, 7 * 60] } as const;
export interface GridCellSeed {
  cellId: string;
  district: string;
  name: string;
  /** GeoJSON Polygon ring, [lon, lat] pairs, closed. */
  ring: [number, number][];
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
  supervisorId: string;
}

export interface WorkerSeed {
  workerId: string;
  displayName: string;
  role: 'worker' | 'supervisor' | 'ops';
  homeCellId?: string;
  shift?: 'day' | 'evening' | 'night';
}

export interface CameraSeed {
  cameraId: string;
  lat: number;
  lon: number;
  heading: number;
}

export interface GatewaySeed {
  gatewayId: string;
  displayName: string;
  cellId: string;
  cameras: CameraSeed[];
  sensors: string[];
  online: boolean;
}

export interface District {
  cells: GridCellSeed[];
  workers: WorkerSeed[];
  gateways: GatewaySeed[];
}

const ORIGIN = { lat: 31.2250, lon: 121.4600 };
const CELL_LAT = 0.0036; // about 400 m
const CELL_LON = 0.0042; // about 400 m at this latitude

const SUBDISTRICTS = [
  { id: 'QH', name: '清河街道 Qinghe', streets: ['河滨路 Riverside Rd', '清河街 Qinghe St', '新桥路 Xinqiao Rd', '学府路 Xuefu Rd', '梧桐巷 Wutong Ln', '东市街 Dongshi St'] },
  { id: 'LA', name: '柳岸街道 Liu’an', streets: ['柳岸路 Liu’an Rd', '花园街 Garden St', '工业路 Gongye Rd', '南湖路 Nanhu Rd', '站前街 Station St', '文化巷 Wenhua Ln'] },
] as const;

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英', '华', '平', '刚', '桂英', '丽', '斌', '鹏', '玲'];

export function buildDistrict(): District {
  const cells: GridCellSeed[] = [];
  const workers: WorkerSeed[] = [{ workerId: 'ops-01', displayName: '运营中心 Ops desk', role: 'ops' }];
  const gateways: GatewaySeed[] = [];
  let person = 0;
  const nextName = (): string => `${SURNAMES[person % SURNAMES.length]}${GIVEN[(person * 7) % GIVEN.length]}`;

  SUBDISTRICTS.forEach((sub, subIndex) => {
    const supervisorId = `sup-${sub.id.toLowerCase()}`;
    workers.push({ workerId: supervisorId, displayName: `${nextName()} (主管 supervisor)`, role: 'supervisor' });
    person++;
    // One on-call worker covers the whole subdistrict at night, from its first cell.
    workers.push({ workerId: `w-${sub.id.toLowerCase()}-night`, displayName: `${nextName()} (夜班 night)`, role: 'worker', homeCellId: `${sub.id}-01`, shift: 'night' });
    person++;
    for (let row = 0; row < 2; row++) {
      for (let col = 0; col < 3; col++) {
        const index = row * 3 + col;
        const minLat = ORIGIN.lat + row * CELL_LAT;
        const minLon = ORIGIN.lon + (subIndex * 3 + col) * CELL_LON;
        const maxLat = minLat + CELL_LAT;
        const maxLon = minLon + CELL_LON;
        const cellId = `${sub.id}-${String(index + 1).padStart(2, '0')}`;
        cells.push({
          cellId,
          district: sub.name,
          name: `${cellId} ${sub.streets[index]}`,
          ring: [
            [minLon, minLat],
            [maxLon, minLat],
            [maxLon, maxLat],
            [minLon, maxLat],
            [minLon, minLat],
          ],
          minLat,
          minLon,
          maxLat,
          maxLon,
          supervisorId,
        });
        for (const shift of ['day', 'evening'] as const) {
          workers.push({ workerId: `w-${cellId.toLowerCase()}-${shift[0]}`, displayName: nextName(), role: 'worker', homeCellId: cellId, shift });
          person++;
        }
        const gatewayId = `gw-${cellId.toLowerCase()}`;
        const centre = { lat: (minLat + maxLat) / 2, lon: (minLon + maxLon) / 2 };
        gateways.push({
          gatewayId,
          displayName: `${sub.streets[index]} pole ${index + 1}`,
          cellId,
          cameras: [0, 1].map((n) => ({
            cameraId: `cam-${n + 1}`,
            lat: centre.lat + (n === 0 ? -1 : 1) * CELL_LAT * 0.2,
            lon: centre.lon + (n === 0 ? -1 : 1) * CELL_LON * 0.2,
            heading: n === 0 ? 45 : 225,
          })),
          sensors: [`tilt-${index + 1}`, `bin-${index + 1}`],
          // Two poles are down, so the pipeline-health panels have something to flag.
          online: !(subIndex === 1 && index >= 4),
        });
      }
    }
  });
  return { cells, workers, gateways };
}
