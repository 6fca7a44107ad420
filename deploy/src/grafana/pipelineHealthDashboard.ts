import { DashboardBuilder, RowBuilder, type GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TimeSeriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { POSTGRES_DS, PROMETHEUS_DS } from './datasources.js';
import { tablePanel, timeSeriesPanel } from './panels.js';
import { PROM_QUERIES, type PromQueryName } from './promQueries.js';
import { tableQuery } from './sqlQuery.js';

function promPanel(title: string, query: PromQueryName, unit: string, gridPos: GridPos) {
  const { expr, legend } = PROM_QUERIES[query];
  return new TimeSeriesBuilder()
    .title(title)
    .datasource({ ...PROMETHEUS_DS })
    .withTarget(new PromQuery().expr(expr).legendFormat(legend).refId('A'))
    .unit(unit)
    .min(0)
    .gridPos(gridPos);
}

/** Dashboard 3: is the pipeline itself healthy? Gateways, throughput, lag, DLQ, edge speed. */
export function pipelineHealthDashboard() {
  return new DashboardBuilder('管道健康 Pipeline health')
    .uid('gridsight-pipeline-health')
    .tags(['gridsight'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .timezone('browser')
    .withRow(new RowBuilder('网关 Gateways'))
    .withPanel(
      new StatBuilder()
        .title('网关在线 Gateways online / offline')
        .datasource({ ...POSTGRES_DS })
        .withTarget(tableQuery('gatewaysOnline'))
        .gridPos({ x: 0, y: 1, w: 6, h: 6 }),
    )
    .withPanel(tablePanel('离线网关 Offline gateways', 'offlineGateways', { x: 6, y: 1, w: 9, h: 6 }))
    .withPanel(timeSeriesPanel('入库检测 Detections stored per minute', 'detectionsPerMinute', 'short', { x: 15, y: 1, w: 9, h: 6 }, { bars: true, stacked: true }))
    .withRow(new RowBuilder('数据流 Stream'))
    .withPanel(promPanel('进入 Kafka Events into Kafka', 'eventsIntoKafka', 'reqps', { x: 0, y: 8, w: 8, h: 8 }))
    .withPanel(promPanel('处理速率 Events processed', 'eventsProcessed', 'reqps', { x: 8, y: 8, w: 8, h: 8 }))
    .withPanel(promPanel('消费延迟 Consumer lag', 'consumerLag', 'short', { x: 16, y: 8, w: 8, h: 8 }))
    .withPanel(promPanel('死信速率 DLQ rate', 'dlqRate', 'reqps', { x: 0, y: 16, w: 8, h: 8 }))
    .withRow(new RowBuilder('边缘 Edge'))
    .withPanel(promPanel('边缘帧率 Edge frames/s', 'edgeFps', 'short', { x: 8, y: 16, w: 8, h: 8 }))
    .withPanel(promPanel('推理耗时 Edge inference p95', 'edgeInferenceMs', 'ms', { x: 16, y: 16, w: 8, h: 8 }));
}
