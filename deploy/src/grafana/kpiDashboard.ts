import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { barChartPanel, statPanel, tablePanel, timeSeriesPanel } from './panels.js';
import { districtVariable, kindVariable, priorityVariable } from './variables.js';

/** Dashboard 2: the KPIs of grid management, the loop's "measure" step. */
export function kpiDashboard() {
  return new DashboardBuilder('网格管理指标 Grid management KPIs')
    .uid('gridsight-kpis')
    .tags(['gridsight'])
    .description('Problems discovered, dispatched, resolved and verified; SLA and repeat problems.')
    .refresh('5m')
    .time({ from: 'now-30d', to: 'now' })
    .timezone('browser')
    .withVariable(districtVariable())
    .withVariable(kindVariable())
    .withVariable(priorityVariable())
    .withRow(new RowBuilder('概览 Overview'))
    .withPanel(statPanel('SLA 达标率 SLA compliance', 'slaCompliance', 'percent', { x: 0, y: 1, w: 6, h: 5 }, [[0, 'red'], [90, 'orange'], [97, 'green']]))
    .withPanel(statPanel('一次解决率 One-visit resolution', 'oneVisitResolution', 'percent', { x: 6, y: 1, w: 6, h: 5 }, [[0, 'red'], [85, 'orange'], [95, 'green']]))
    .withPanel(timeSeriesPanel('每日发现问题 Problems discovered per day, by source', 'discoveredPerDayBySource', 'short', { x: 12, y: 1, w: 12, h: 10 }, { bars: true, stacked: true }))
    .withPanel(timeSeriesPanel('每日新增与关闭 Incidents opened vs closed', 'openedVsClosedPerDay', 'short', { x: 0, y: 6, w: 12, h: 10 }, { bars: true }))
    .withRow(new RowBuilder('时效 Timeliness'))
    .withPanel(timeSeriesPanel('派单时长 Time to dispatch (p50/p90)', 'timeToDispatch', 's', { x: 0, y: 17, w: 12, h: 9 }))
    .withPanel(timeSeriesPanel('解决时长 Time to resolve (p50/p90)', 'timeToResolve', 's', { x: 12, y: 17, w: 12, h: 9 }))
    .withPanel(timeSeriesPanel('每日 SLA 达标 SLA compliance per day', 'slaCompliancePerDay', 'percent', { x: 0, y: 26, w: 12, h: 9 }))
    .withPanel(timeSeriesPanel('市民投诉 Citizen reports per day', 'citizenReportsPerDay', 'short', { x: 12, y: 26, w: 12, h: 9 }, { bars: true }))
    .withRow(new RowBuilder('网格与人员 Cells and people'))
    .withPanel(barChartPanel('重复问题 Repeat problems per cell', 'repeatProblemsPerCell', { x: 0, y: 36, w: 10, h: 10 }))
    .withPanel(tablePanel('工作量 Workload per worker', 'workloadPerWorker', { x: 10, y: 36, w: 14, h: 10 }));
}
