import { buildDistrict } from '../seed/district.js';
import { dashboardsProvisioning, datasourcesProvisioning } from './datasources.js';
import { incidentMapDashboard } from './incidentMapDashboard.js';
import { kpiDashboard } from './kpiDashboard.js';
import { pipelineHealthDashboard } from './pipelineHealthDashboard.js';

/** Path under deploy/grafana → file content: everything Grafana is provisioned with. */
export function generateGrafanaFiles(): Record<string, string> {
  const district = buildDistrict();
  const lats = district.cells.flatMap((c) => [c.minLat, c.maxLat]);
  const lons = district.cells.flatMap((c) => [c.minLon, c.maxLon]);
  const centre = { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lon: (Math.min(...lons) + Math.max(...lons)) / 2 };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    'provisioning/datasources/gridsight.yaml': datasourcesProvisioning(),
    'provisioning/dashboards/gridsight.yaml': dashboardsProvisioning(),
    'dashboards/incident-map.json': json(incidentMapDashboard(centre).build()),
    'dashboards/kpis.json': json(kpiDashboard().build()),
    'dashboards/pipeline-health.json': json(pipelineHealthDashboard().build()),
    // The demo district's cells for the map's polygon layer; a city replaces it with its own export.
    'maps/gridsight-grid-cells.geojson': json({
      type: 'FeatureCollection',
      features: district.cells.map((c) => ({
        type: 'Feature',
        properties: { cell_id: c.cellId, name: c.name, district: c.district },
        geometry: { type: 'Polygon', coordinates: [c.ring] },
      })),
    }),
  };
}
