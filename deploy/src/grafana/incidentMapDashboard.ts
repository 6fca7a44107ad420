import { ConstantVariableBuilder, DashboardBuilder, DashboardCursorSync, MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { FrameGeometrySourceBuilder, FrameGeometrySourceMode, MapLayerOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import { ControlsOptionsBuilder, PanelBuilder as GeomapPanel, MapViewConfigBuilder } from '@grafana/grafana-foundation-sdk/geomap';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { POSTGRES_DS } from './datasources.js';
import { tableQuery } from './sqlQuery.js';
import { districtVariable, kindVariable, priorityVariable } from './variables.js';

export const GRID_CELLS_GEOJSON = 'public/maps/gridsight-grid-cells.geojson';

const SLA_COLOURS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      'on track': { text: '正常 on track', color: 'green', index: 0 },
      'at risk': { text: '临期 at risk', color: 'orange', index: 1 },
      breached: { text: '超时 breached', color: 'red', index: 2 },
      'no ticket': { text: '未派单 no ticket', color: 'purple', index: 3 },
    },
  },
];

const coordinates = () => new FrameGeometrySourceBuilder().mode(FrameGeometrySourceMode.Coords).latitude('latitude').longitude('longitude');

/** Dashboard 1: open incidents on the map, coloured by SLA state, shaped by kind, grid cells as a layer, a table beside it. */
export function incidentMapDashboard(centre: { lat: number; lon: number }) {
  const map = new GeomapPanel()
    .title('事件地图 Open incidents')
    .description('圆点=垃圾/满溢, 三角=井盖缺失; 颜色=SLA 状态. Circles: garbage/bins, triangles: open manholes; colour: SLA state.')
    .datasource({ ...POSTGRES_DS })
    .withTarget(tableQuery('openIncidents', 'A'))
    .withTarget(tableQuery('gridCells', 'B'))
    .gridPos({ x: 0, y: 0, w: 15, h: 20 })
    .mappings(SLA_COLOURS)
    .view(new MapViewConfigBuilder().id('coords').lat(centre.lat).lon(centre.lon).zoom(15))
    .controls(new ControlsOptionsBuilder().showZoom(true).mouseWheelZoom(true).showScale(true))
    .basemap(new MapLayerOptionsBuilder().type('default').name('底图 Basemap'))
    .layers([
      new MapLayerOptionsBuilder()
        .type('geojson')
        .name('网格 Grid cells')
        .config({ src: GRID_CELLS_GEOJSON, style: { color: { fixed: 'blue' }, opacity: 0.15, lineWidth: 2 } }),
      new MapLayerOptionsBuilder()
        .type('markers')
        .name('网格负载 Cell load')
        .filterData({ id: 'byRefId', options: 'B' })
        .location(coordinates())
        .tooltip(true)
        .config({
          showLegend: false,
          style: {
            color: { fixed: 'text' },
            opacity: 0.3,
            size: { field: 'open_incidents', min: 3, max: 25, fixed: 5 },
            symbol: { mode: 'fixed', fixed: 'img/icons/marker/square.svg' },
            text: { mode: 'field', field: 'cell', fixed: '' },
            textConfig: { fontSize: 10, offsetY: -14, textAlign: 'center', textBaseline: 'middle' },
          },
        }),
      new MapLayerOptionsBuilder()
        .type('markers')
        .name('事件 Incidents')
        .filterData({ id: 'byRefId', options: 'A' })
        .location(coordinates())
        .tooltip(true)
        .config({
          showLegend: true,
          style: {
            color: { field: 'sla_state', fixed: 'red' },
            opacity: 0.9,
            size: { fixed: 9 },
            symbol: { mode: 'field', field: 'symbol', fixed: 'img/icons/marker/circle.svg' },
          },
        }),
    ]);

  const table = new TablePanel()
    .title('待处理 Open incidents and tickets')
    .datasource({ ...POSTGRES_DS })
    .withTarget(tableQuery('openIncidents', 'A'))
    .gridPos({ x: 15, y: 0, w: 9, h: 20 })
    .mappings(SLA_COLOURS)
    .overrideByName('ticket_id', [
      { id: 'displayName', value: '工单 Ticket' },
      { id: 'links', value: [{ title: '打开工单 Open ticket', url: '${dispatch_url}/ops/#/tickets/${__value.raw}', targetBlank: true }] },
    ])
    .overrideByName('sla_state', [
      { id: 'displayName', value: 'SLA' },
      { id: 'custom.cellOptions', value: { type: 'color-background' } },
    ])
    .overrideByName('minutes_to_due', [{ id: 'displayName', value: '剩余分钟 min to due' }])
    .transformations([
      { id: 'organize', options: { excludeByName: { latitude: true, longitude: true, incident_id: true, time: true, symbol: true } } },
    ]);

  return new DashboardBuilder('事件地图 Incident map')
    .uid('gridsight-incident-map')
    .tags(['gridsight'])
    .description('Open incidents by kind and SLA state, with the grid cells that own them.')
    .refresh('30s')
    .time({ from: 'now-24h', to: 'now' })
    .timezone('browser')
    .tooltip(DashboardCursorSync.Off)
    .withVariable(districtVariable())
    .withVariable(kindVariable())
    .withVariable(priorityVariable())
    .withVariable(new ConstantVariableBuilder('dispatch_url').value('http://localhost:8080'))
    .withPanel(map)
    .withPanel(table);
}
