import { BarAlignment, GraphDrawStyle, StackingMode, StackingConfigBuilder, VisibilityMode } from '@grafana/grafana-foundation-sdk/common';
import { PanelBuilder as BarChartBuilder } from '@grafana/grafana-foundation-sdk/barchart';
import { ThresholdsConfigBuilder, ThresholdsMode, type GridPos } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeSeriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { POSTGRES_DS } from './datasources.js';
import type { PanelSqlName } from './panelSql.js';
import { tableQuery, timeSeriesQuery } from './sqlQuery.js';

type Steps = [number, string][];

const thresholds = (steps: Steps) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps(steps.map(([value, color], i) => ({ value: i === 0 ? null : value, color })) as never);

export function statPanel(title: string, sql: PanelSqlName, unit: string, gridPos: GridPos, steps: Steps) {
  return new StatBuilder()
    .title(title)
    .datasource({ ...POSTGRES_DS })
    .withTarget(tableQuery(sql))
    .unit(unit)
    .decimals(1)
    .min(0)
    .max(100)
    .thresholds(thresholds(steps))
    .gridPos(gridPos);
}

export function timeSeriesPanel(title: string, sql: PanelSqlName, unit: string, gridPos: GridPos, style: { bars?: boolean; stacked?: boolean } = {}) {
  const panel = new TimeSeriesBuilder()
    .title(title)
    .datasource({ ...POSTGRES_DS })
    .withTarget(timeSeriesQuery(sql))
    .unit(unit)
    .min(0)
    .gridPos(gridPos);
  if (style.bars) panel.drawStyle(GraphDrawStyle.Bars).barAlignment(BarAlignment.Center).fillOpacity(70).showPoints(VisibilityMode.Never);
  if (style.stacked) panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal));
  return panel;
}

export function tablePanel(title: string, sql: PanelSqlName, gridPos: GridPos) {
  return new TableBuilder().title(title).datasource({ ...POSTGRES_DS }).withTarget(tableQuery(sql)).gridPos(gridPos);
}

export function barChartPanel(title: string, sql: PanelSqlName, gridPos: GridPos) {
  return new BarChartBuilder().title(title).datasource({ ...POSTGRES_DS }).withTarget(tableQuery(sql)).gridPos(gridPos).min(0);
}
